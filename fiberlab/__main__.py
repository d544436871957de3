import sys

from fiberlab.cli import main

sys.exit(main())
