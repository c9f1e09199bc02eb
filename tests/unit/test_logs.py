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
