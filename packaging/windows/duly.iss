; Inno Setup script for Duly's Windows installer, run by .github/workflows/windows.yml:
;   ISCC.exe /DAppVersion=0.1.0 packaging\windows\duly.iss
; It installs dist\duly (the PyInstaller build) for the current user without asking for
; administrator rights (or for everyone, if the user chooses), adds Duly to the Start
; menu, and registers it for Duly stores.
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6F1D3C2A-9B4E-4E57-A1D2-44554C590001}
AppName=Duly
AppVersion={#AppVersion}
AppPublisher=Duly
DefaultDirName={autopf}\Duly
DefaultGroupName=Duly
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
SetupIconFile=duly.ico
UninstallDisplayIcon={app}\duly.exe
OutputDir=..\..\dist
OutputBaseFilename=duly-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; Signing the installer and uninstaller needs a certificate (secrets WINDOWS_CERT_PFX and
; WINDOWS_CERT_PASSWORD in the workflow), passed to ISCC as /Ssigntool=...; then:
; SignTool=signtool

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\duly\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Duly"; Filename: "{app}\duly.exe"
Name: "{autodesktop}\Duly"; Filename: "{app}\duly.exe"; Tasks: desktopicon

; Windows knows a file's kind only by its ending, and Duly's stores are .sqlite files like
; many other programs' databases. Duly is therefore offered for .sqlite under "Open with"
; (and chosen on a double-click when nothing else claims .sqlite), never forced as the
; program for every SQLite file; Duly itself refuses a file that is not its store.
[Registry]
Root: HKA; Subkey: "Software\Classes\Duly.Store"; ValueType: string; ValueName: ""; ValueData: "Duly store"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Duly.Store\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\duly.exe,0"
Root: HKA; Subkey: "Software\Classes\Duly.Store\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\duly.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.sqlite\OpenWithProgids"; ValueType: string; ValueName: "Duly.Store"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Applications\duly.exe\SupportedTypes"; ValueType: string; ValueName: ".sqlite"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\duly.exe"; Description: "{cm:LaunchProgram,Duly}"; Flags: nowait postinstall skipifsilent
