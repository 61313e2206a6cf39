<#
.SYNOPSIS
  Vigil Agent as a Windows service: the device identity and outbox out of the pupils' reach.

.DESCRIPTION
  Run as SYSTEM or an administrator, once per computer (installer step, GPO startup script,
  Intune platform script). It
    - restricts %ProgramData%\Vigil (agent.json with the enrolment token, state\ with
      device.json's secret, the outbox and the policy cache) to SYSTEM and Administrators:
      inheritance off, every other entry removed (Users, Authenticated Users, CREATOR OWNER);
    - registers the "VigilAgent" service running as LocalSystem, started at boot and
      restarted by the Service Control Manager when it dies.

  NOT YET USABLE, said plainly: the Windows half of system mode is not written. The service
  would have to start a session helper in each signed-in user's session (WTSQueryUserToken +
  CreateProcessAsUser, through koffi) and talk to it over an anonymous pipe it hands only to
  that process; on Linux this exists (`vigil-agent --system`), on Windows it does not. Until
  it does, running this script stops the tray app (which runs as the pupil) from reaching its
  state folder. It has not been run on Windows: our CI has none. agent/README.md, "System service".

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File vigil-service-setup.ps1 -NodeExe 'C:\Program Files\Vigil Agent\node.exe'
#>
param(
  [string]$InstallDir = (Join-Path $env:ProgramFiles 'Vigil Agent'),
  [string]$NodeExe = (Join-Path $InstallDir 'node.exe'),
  [string]$ServiceName = 'VigilAgent'
)
$ErrorActionPreference = 'Stop'

$root = Join-Path $env:ProgramData 'Vigil'
$state = Join-Path $root 'state'
New-Item -ItemType Directory -Force -Path $state | Out-Null

# SIDs, not names: the names are translated on non-English Windows. S-1-5-18 = SYSTEM,
# S-1-5-32-544 = Administrators. /inheritance:r drops inherited entries (ProgramData grants
# Users read and CREATOR OWNER full control); /grant:r replaces any explicit ones; /T applies
# it to what already exists below; (OI)(CI) makes new files and folders inherit it.
& icacls $root /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' /T /Q | Out-Null
if ($LASTEXITCODE -ne 0) { throw "icacls failed on $root ($LASTEXITCODE)" }
# Remove whatever else was granted by name before (the old setup granted Users modify on state\).
foreach ($sid in @('*S-1-5-32-545', '*S-1-5-11', '*S-1-3-0', '*S-1-1-0')) {
  & icacls $root /remove:g $sid /T /Q | Out-Null
}
# The owner of the folders is Administrators, not whoever created them.
& icacls $root /setowner '*S-1-5-32-544' /T /Q | Out-Null

$bundle = Join-Path $InstallDir 'resources\agent\dist\headless\main.mjs'
$binPath = "`"$NodeExe`" --max-semi-space-size=1 --lite-mode `"$bundle`" --system --config `"$root\agent.json`" --state-dir `"$state`""
if (Get-Service -Name $ServiceName -ErrorAction SilentlyContinue) {
  & sc.exe config $ServiceName binPath= $binPath start= auto obj= LocalSystem | Out-Null
} else {
  New-Service -Name $ServiceName -BinaryPathName $binPath -DisplayName 'Vigil safeguarding agent' `
    -Description 'Vigil: keeps this computer''s identity and outbox; watches the signed-in session through a session helper.' `
    -StartupType Automatic | Out-Null
}
# Restart after 5 s, 10 s, then every 30 s; reset the count after a day.
& sc.exe failure $ServiceName reset= 86400 actions= restart/5000/restart/10000/restart/30000 | Out-Null
# Only SYSTEM and Administrators may stop or reconfigure it (the default lets interactive users query, not stop).
& sc.exe sdset $ServiceName 'D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWLOCRRC;;;IU)' | Out-Null

Write-Output "Vigil Agent: $root restricted to SYSTEM and Administrators; service $ServiceName registered (LocalSystem)."
