"""What tests, the demo and CI rehearsals start: a local Azurite and a Cegid Loop simulator.

Nothing in the library imports this package; only the CLI's ``loop-sim`` command does.
"""
