"""Start the parisqa web chat: ``python app.py [--host H] [--port P] [--auth USER:PASSWORD]``."""

import sys

from parisqa.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
