"""A local stand-in for the Autoenhance.ai v3 API: strict contract, demo data, faults."""

from __future__ import annotations

from orders.sandbox.app import DEFAULT_SEED, DEMO_KEY, FaultControl, Request, SandboxApp
from orders.sandbox.server import SandboxServer

__all__ = ["DEFAULT_SEED", "DEMO_KEY", "FaultControl", "Request", "SandboxApp", "SandboxServer"]
