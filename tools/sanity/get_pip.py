"""Stand-in for the pip bootstrap script ansible-test downloads from a host this machine cannot reach.

ansible-test makes each sanity test's virtualenv without pip and runs the bootstrap script there with pip's
install arguments (the pinned pip and its friends). This does the same from what is at hand: the
interpreter's own ensurepip, then `pip install` of those arguments from the package index.
"""

import ensurepip
import os
import subprocess
import sys

env = dict(os.environ)
ensurepip.bootstrap(upgrade=False)  # sets PIP_CONFIG_FILE=/dev/null in this process: pip below gets env
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", *args], env=env))
