"""A local stand-in for Rancher (server.py, the fake system-agent-install.sh) and its test certificates."""
