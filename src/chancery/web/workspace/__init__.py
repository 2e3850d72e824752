"""The editorial workspace: login, logout, set-password links and the /workspace pages.
Server-rendered like the reading room and usable without JavaScript."""
