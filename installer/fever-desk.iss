; Inno Setup 6 script: installs the one-folder PyInstaller bundle (dist\fever-desk) for clinic PCs.
;
;   make bundle            (on Windows: pyinstaller --noconfirm installer\fever_desk.spec)
;   iscc /DAppVersion=<version> installer\fever-desk.iss   ->  dist\fever-desk-setup-<version>.exe
;
; Program files go to Program Files and are read-only for the nurse's account.  The settings and the
; database are never written here: the desk keeps them in %LOCALAPPDATA%\fever-desk\ (platformdirs),
; which belongs to the user, survives upgrades and is NOT removed on uninstall — a clinic's records
; must outlive any particular version of the program.  Back them up with
; "C:\Program Files\fever-desk\fever-desk-cli.exe" db backup --out ...  (run as the desk's user).

#define AppName "fever-desk"
; The version is the package's own (fever_desk.__version__), never written here: the build passes it,
;   iscc /DAppVersion=<version> installer\fever-desk.iss    (.github/workflows/windows.yml does this)
#ifndef AppVersion
  #error AppVersion is not defined: run iscc /DAppVersion=<fever_desk.__version__> installer\fever-desk.iss
#endif

[Setup]
AppId={{6E0B6D2C-3F1A-4C57-9B8E-FD1E5C0A7D21}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=fever_desk
DefaultDirName={autopf}\fever-desk
DefaultGroupName=fever-desk
DisableProgramGroupPage=yes
OutputDir=..\dist
OutputBaseFilename=fever-desk-setup-{#AppVersion}
SetupIconFile=icons\fever-desk.ico
UninstallDisplayIcon={app}\fever-desk.exe
Compression=lzma2/max
SolidCompression=yes
; Qt 6 needs Windows 10 1809 (build 17763) or later: older Windows is refused here, by the setup, rather
; than by a missing DLL at the desk's first start.
MinVersion=10.0.17763
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
WizardStyle=modern
; The desk must be closed before its files are replaced.
CloseApplications=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
chinesesimplified.DesktopIcon=创建桌面快捷方式
english.DesktopIcon=Create a desktop shortcut
chinesesimplified.SelfTest=运行自检（数据库、字体、打印机、串口）
english.SelfTest=Run the self-test (database, fonts, printers, serial ports)
chinesesimplified.AppTitle=预检分诊工作站
english.AppTitle=Fever Desk

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"

[Files]
; The whole bundle: fever-desk.exe (windowed), fever-desk-cli.exe (console, for IT) and _internal\.
Source: "..\dist\fever-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; Files of an older version that this one no longer ships (a removed migration must not linger).
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{cm:AppTitle}"; Filename: "{app}\fever-desk.exe"; IconFilename: "{app}\fever-desk.exe"
Name: "{group}\{cm:SelfTest}"; Filename: "{cmd}"; Parameters: "/k ""{app}\fever-desk-cli.exe"" --self-test"
Name: "{autodesktop}\{cm:AppTitle}"; Filename: "{app}\fever-desk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\fever-desk.exe"; Description: "{cm:LaunchProgram,{cm:AppTitle}}"; Flags: nowait postinstall skipifsilent unchecked

[UninstallDelete]
; Only what the program folder itself may contain; %LOCALAPPDATA%\fever-desk (database, settings,
; printed slips) is deliberately left alone.
Type: filesandordirs; Name: "{app}\_internal"
