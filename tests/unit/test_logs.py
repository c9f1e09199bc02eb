import logging

from ftserver.logs import LogBuffer, setup_logging


def test_buffer_keeps_newest_records_in_freqtrade_shape() -> None:
    buffer = LogBuffer(capacity=3)
    logger = logging.getLogger("ftserver.test.buffer")
    logger.addHandler(buffer)
    logger.setLevel(logging.INFO)
    try:
        for n in range(5):
            logger.info("line %d", n)
    finally:
        logger.removeHandler(buffer)
    entries = buffer.entries()
    assert [e[4] for e in entries] == ["line 2", "line 3", "line 4"]
    date, ts_ms, name, level, _ = entries[-1]
    assert len(date) == 19 and date[4] == "-"
    assert ts_ms > 1e12
    assert (name, level) == ("ftserver.test.buffer", "INFO")
    assert [e[4] for e in buffer.entries(limit=1)] == ["line 4"]


def test_setup_logging_writes_rotating_file(tmp_path) -> None:
    buffer = LogBuffer()
    logfile = tmp_path / "logs" / "ftserver.log"
    setup_logging(buffer=buffer, logfile=logfile)
    try:
        logging.getLogger("ftserver.test.file").warning("written to file")
    finally:
        setup_logging()  # drop the file handler again
    assert "written to file" in logfile.read_text()
    assert any(e[4] == "written to file" for e in buffer.entries())


def test_app_keeps_the_empty_buffer_it_is_given(tmp_path) -> None:
    # A LogBuffer has a length, so an empty one is falsy; the app must still use it, or /logs
    # would serve a second buffer that no logger writes to.
    from ftserver.api import keys
    from ftserver.app import create_app
    from ftserver.config import settings_from_dict

    settings = settings_from_dict(
        {
            "stake_currency": "USDT",
            "stake_amount": 10,
            "exchange": {"name": "sim"},
            "db_url": f"sqlite:///{tmp_path / 't.sqlite'}",
            "user_data_dir": str(tmp_path),
            "api_server": {"jwt_secret_key": "x" * 40, "username": "u", "password": "p"},
        }
    )
    buffer = LogBuffer(10)
    app = create_app(settings, log_buffer=buffer)
    assert app[keys.LOG_BUFFER] is buffer
