<#
.SYNOPSIS
  Vigil Agent: the per-computer settings the MSI does not make (the NSIS installer makes them itself).

.DESCRIPTION
  Run as SYSTEM or an administrator, once per computer, after installing the MSI: as a GPO computer
  startup script, an Intune platform script, or by hand.
    - starts the tray app at every login for every user (HKLM Run);
    - creates %ProgramData%\Vigil\state, writable by Users (the app runs as whoever logs in);
    - writes %ProgramData%\Vigil\agent.json when -Collector is given (kept otherwise).

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File vigil-machine-setup.ps1 -Collector wss://vigil.school.lan -Token vigil-enrol-...
#>
param(
  [string]$Collector,
  [string]$Token,
  [string]$InstallDir = (Join-Path $env:ProgramFiles 'Vigil Agent')
)
$ErrorActionPreference = 'Stop'

$exe = Join-Path $InstallDir 'vigil-agent.exe'
if (-not (Test-Path $exe)) { throw "Vigil Agent is not installed at $InstallDir (use -InstallDir)" }
Set-ItemProperty -Path 'HKLM:\Software\Microsoft\Windows\CurrentVersion\Run' -Name 'VigilAgent' -Value "`"$exe`""

$root = Join-Path $env:ProgramData 'Vigil'
$state = Join-Path $root 'state'
New-Item -ItemType Directory -Force -Path $state | Out-Null
# Users (S-1-5-32-545): modify, inherited by the files the agent creates.
& icacls $state /grant '*S-1-5-32-545:(OI)(CI)M' /T /Q | Out-Null

$config = Join-Path $root 'agent.json'
if ($Collector) {
  $settings = [ordered]@{ collector = $Collector }
  if ($Token) { $settings.enrolToken = $Token }
  $settings | ConvertTo-Json | Set-Content -Path $config -Encoding UTF8
} elseif (-not (Test-Path $config)) {
  Copy-Item (Join-Path $InstallDir 'resources\agent.json.template') $config
}
Write-Output "Vigil Agent: autostart set, state folder $state, configuration $config"
