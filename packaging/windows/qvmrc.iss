; Inno Setup script for QVMRC: a per-user install (no admin rights), a Start-menu entry,
; and the qvmrc:// and qvmc:// link handlers under HKCU\Software\Classes.
; packaging/build.sh runs it after PyInstaller, on Windows with iscc on PATH:
;   iscc /DAppVersion=X.Y.Z /DSourceDir=<one-folder app> /DIconFile=<qvmrc.ico> /O<dist> qvmrc.iss
; The same keys are what `qvmrc register-handler` writes (qvmrc/handlers/windows.py).

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\qvmrc"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\qvmrc.ico"
#endif

[Setup]
AppId={{6D3C1B0E-4F7A-4B7B-9E58-2C1B7C5E9A31}
AppName=QVMRC
AppVersion={#AppVersion}
AppPublisher=LimiQuantix
DefaultDirName={localappdata}\Programs\QVMRC
DefaultGroupName=QVMRC
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputBaseFilename=qvmrc-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\qvmrcw.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{userprograms}\QVMRC"; Filename: "{app}\qvmrcw.exe"; Comment: "Console for LimiQuantix virtual machines"
Name: "{userdesktop}\QVMRC"; Filename: "{app}\qvmrcw.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Registry]
Root: HKCU; Subkey: "Software\Classes\qvmrc"; ValueType: string; ValueName: ""; ValueData: "URL:qvmrc console link (QVMRC)"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\qvmrc"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\qvmrc\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\qvmrcw.exe"",0"
Root: HKCU; Subkey: "Software\Classes\qvmrc\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\qvmrcw.exe"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\qvmc"; ValueType: string; ValueName: ""; ValueData: "URL:qvmc console link (QVMRC)"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\qvmc"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\qvmc\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\qvmrcw.exe"",0"
Root: HKCU; Subkey: "Software\Classes\qvmc\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\qvmrcw.exe"" ""%1"""

[Run]
Filename: "{app}\qvmrcw.exe"; Description: "Start QVMRC"; Flags: nowait postinstall skipifsilent
