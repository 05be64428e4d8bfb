"""Build deduce's lookup tables once, at install time (`make install` runs this through a stamp file).

deduce compiles its name, street and place lists into one pickle the first time it is loaded
(about a minute, written inside its own package directory in the virtualenv). Doing that on a
request would stall the person saving a case, so `intervision.identifiers` never builds: it skips
deduce when the tables are missing. See docs/privacy.md, "Case texts: identifiers flagged before saving".

Run as `python -m intervision.build_identifier_tables`; needs no Django settings.
"""

import logging
import sys
import time


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    from deduce import Deduce

    Deduce()
    print(f"deduce lookup tables ready ({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
