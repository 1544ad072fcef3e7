"""``python -m identity_model`` is the ``identity-model`` command."""

import sys

from identity_model.cli import main

sys.exit(main())
