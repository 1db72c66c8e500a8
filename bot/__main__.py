"""`python -m bot` is the `debtdesk` command."""

import sys

from bot.cli import main

sys.exit(main())
