; Vigil Agent: what the per-machine NSIS installer adds (electron-builder "include").
;
;   vigil-agent-setup.exe /S                                          silent, keeps an existing agent.json
;   vigil-agent-setup.exe /S /COLLECTOR=wss://vigil.school.lan /TOKEN=vigil-enrol-...   silent, writes agent.json
;
; - The tray app starts at every login for every user (HKLM Run).
; - %ProgramData%\Vigil\agent.json is the computer's configuration (collector, enrolment token),
;   from /COLLECTOR= and /TOKEN=, else the template, never overwriting one IT already placed.
; - %ProgramData%\Vigil\state is the one state folder of the computer (device identity, outbox),
;   writable by every user because the tray app runs as whoever is logged in.

!include FileFunc.nsh

!macro customInstall
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "VigilAgent" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}"'

  CreateDirectory "$COMMONAPPDATA\Vigil"
  CreateDirectory "$COMMONAPPDATA\Vigil\state"
  ; Users (S-1-5-32-545): modify, inherited by files the agent creates.
  nsExec::Exec 'icacls "$COMMONAPPDATA\Vigil\state" /grant *S-1-5-32-545:(OI)(CI)M /T /Q'
  Pop $0

  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/COLLECTOR=" $R1
  IfErrors vigil_no_collector
  ClearErrors
  ${GetOptions} $R0 "/TOKEN=" $R2
  IfErrors 0 vigil_have_token
  StrCpy $R2 ""
  vigil_have_token:
  FileOpen $R3 "$COMMONAPPDATA\Vigil\agent.json" w
  StrCmp $R2 "" 0 vigil_with_token
  FileWrite $R3 '{ "collector": "$R1" }$\r$\n'
  Goto vigil_written
  vigil_with_token:
  FileWrite $R3 '{ "collector": "$R1", "enrolToken": "$R2" }$\r$\n'
  vigil_written:
  FileClose $R3
  Goto vigil_config_done
  vigil_no_collector:
  IfFileExists "$COMMONAPPDATA\Vigil\agent.json" vigil_config_done
  CopyFiles /SILENT "$INSTDIR\resources\agent.json.template" "$COMMONAPPDATA\Vigil\agent.json"
  vigil_config_done:
!macroend

!macro customUnInstall
  DeleteRegValue HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "VigilAgent"
  ; The device identity and configuration in %ProgramData%\Vigil stay: a reinstall is the same device.
!macroend
