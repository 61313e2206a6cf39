#!/bin/sh
# Vigil Agent (deb): electron-builder's own steps, then start at every login for every user
# (XDG autostart) and the computer's configuration in /etc/vigil/agent.json.
# ${sanitizedProductName} and ${executable} are filled in by electron-builder.
set -e

ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
# Chromium's sandbox helper must be setuid root where user namespaces are off.
chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
if hash update-desktop-database 2>/dev/null; then update-desktop-database /usr/share/applications || true; fi

mkdir -p /etc/xdg/autostart
cat > /etc/xdg/autostart/vigil-agent.desktop <<DESKTOP
[Desktop Entry]
Type=Application
Name=Vigil Agent
Comment=This computer is monitored by your school
Exec=/opt/${sanitizedProductName}/${executable}
Icon=${executable}
NoDisplay=true
X-GNOME-Autostart-enabled=true
DESKTOP
chmod 0644 /etc/xdg/autostart/vigil-agent.desktop

mkdir -p /etc/vigil
if [ ! -e /etc/vigil/agent.json ]; then
  cp '/opt/${sanitizedProductName}/resources/agent.json.template' /etc/vigil/agent.json
fi
# Read by the tray app, which runs as the logged-in user.
chmod 0644 /etc/vigil/agent.json
