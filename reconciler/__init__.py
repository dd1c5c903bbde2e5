"""reconciler: declarative GitOps for Auth0 Actions."""

from __future__ import annotations

__version__ = "0.1.0"
