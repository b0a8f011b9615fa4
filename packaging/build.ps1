# Build the Windows onedir bundle into packaging\dist\KyNangSo, then the installer
# with Inno Setup 6 (iscc.exe on PATH). Run from a checkout, in PowerShell:
#   py -3.11 -m venv .venv; .venv\Scripts\pip install -e . pyinstaller
#   .venv\Scripts\python packaging\make_icons.py
#   powershell -ExecutionPolicy Bypass -File packaging\build.ps1
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
$py = ".venv\Scripts\python.exe"
& $py tools\i18n.py compile
& $py -m PyInstaller packaging\skillsapp.spec --noconfirm --clean --distpath packaging\dist --workpath packaging\build
$env:QT_QPA_PLATFORM = "offscreen"
& packaging\dist\KyNangSo\KyNangSo.exe --data-dir (Join-Path $env:TEMP "kns-selftest") --self-test
if ($LASTEXITCODE -ne 0) { throw "self-test failed" }
Remove-Item Env:QT_QPA_PLATFORM
iscc packaging\windows\skillsapp.iss
