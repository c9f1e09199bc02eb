import sys

from ftserver.cli import main

sys.exit(main())
