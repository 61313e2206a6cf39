#!/bin/sh
# Vigil Agent (deb): undo after-install.sh. /etc/vigil/agent.json stays (a conffile in spirit: IT wrote it).
set -e
rm -f '/usr/bin/${executable}'
rm -f /etc/xdg/autostart/vigil-agent.desktop
