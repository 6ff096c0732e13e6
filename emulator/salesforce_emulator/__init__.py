"""A local Salesforce org over HTTPS, for developing and testing dealsync (never shipped with it).

`Emulator` runs one org (in-process, or `python -m salesforce_emulator serve`); `Control` drives
its local control API. See README.md beside this package.
"""

from .client import Control
from .server import Emulator

__all__ = ["Control", "Emulator"]
