; Inno Setup 6 script: a per-user installer for Kỹ Năng Số (no administrator rights
; needed on a commune office PC), in Vietnamese, with Start-menu and desktop shortcuts.
; Build the bundle first (packaging\build.ps1 does both), then: iscc packaging\windows\skillsapp.iss

#define AppName "Kỹ Năng Số"
#define AppVersion "0.1.0"
#define AppExe "KyNangSo.exe"

[Setup]
AppId={{6C1E3B0E-5B7A-4E0F-9B7B-1E0B8C3A5D21}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=skillsapp
DefaultDirName={localappdata}\Programs\KyNangSo
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
OutputDir=..\dist
OutputBaseFilename=KyNangSo-{#AppVersion}-cai-dat
SetupIconFile=..\icons\skillsapp.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; Windows 7 SP1 and later run Qt 6.5+ only from Windows 10; say so plainly.
MinVersion=10.0

[Languages]
; Inno Setup ships no Vietnamese catalog: Vietnamese.isl overrides the messages a
; person sees on top of the English defaults (files listed later win).
Name: "vi"; MessagesFile: "compiler:Default.isl,Vietnamese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\dist\KyNangSo\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Data lives in %APPDATA%\KyNangSo and is never removed by uninstalling.
