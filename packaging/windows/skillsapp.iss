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

[CustomMessages]
; Shown once at the end: the one-time code for the first organiser account. Only someone at
; this PC during installation (or at its command line) sees it, so a resident who opens
; Quản lý later cannot make themselves the organiser.
vi.SetupCodeIntro=Mã cài đặt dành cho người tổ chức (tổ trưởng, cán bộ xã). Hãy ghi lại mã này và đưa tận tay người tổ chức; không dán lên máy. Cần mã khi tạo tài khoản người tổ chức đầu tiên trong Cài đặt → Dành cho cán bộ.
vi.SetupCodeLost=Nếu mất mã: mở Command Prompt và chạy "%1" organiser setup-code để có mã mới.
en.SetupCodeIntro=Setup code for the organiser (group leader, commune official). Write it down and give it to the organiser in person; do not stick it on the PC. It is needed to create the first organiser account in Settings → For staff.
en.SetupCodeLost=If it is lost: open Command Prompt and run "%1" organiser setup-code for a new one.

[Code]
{ After the files are in place, ask the program for a one-time setup code and show it.
  The program is windowed (no console), so it writes the code to a temporary file.
  It refuses (exit code 2) when this PC already has an organiser: then nothing is shown. }
procedure ShowOrganiserSetupCode();
var
  ResultCode: Integer;
  CodeFile, Params: String;
  Text: AnsiString;
begin
  CodeFile := ExpandConstant('{tmp}\ma-cai-dat.txt');
  Params := '--lang ' + ActiveLanguage() + ' organiser setup-code --write "' + CodeFile + '"';
  if Exec(ExpandConstant('{app}\{#AppExe}'), Params, '', SW_HIDE, ewWaitUntilTerminated, ResultCode)
     and (ResultCode = 0) and LoadStringFromFile(CodeFile, Text) then
  begin
    if not WizardSilent() then
      MsgBox(CustomMessage('SetupCodeIntro') + #13#10#13#10 + UTF8Decode(Text) + #13#10
        + FmtMessage(CustomMessage('SetupCodeLost'), [ExpandConstant('{app}\{#AppExe}')]),
        mbInformation, MB_OK);
  end;
  DeleteFile(CodeFile);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if CurStep = ssPostInstall then
    ShowOrganiserSetupCode();
end;

[UninstallDelete]
; Data lives in %APPDATA%\KyNangSo and is never removed by uninstalling.
