#!/usr/bin/env bash
# Build the Linux onedir bundle into packaging/dist/KyNangSo and smoke-test it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
"$PY" -m pip install -q "pyinstaller>=6.5"
"$PY" tools/i18n.py compile >/dev/null
"$PY" -m PyInstaller packaging/skillsapp.spec --noconfirm --clean \
  --distpath packaging/dist --workpath packaging/build >/dev/null
QT_QPA_PLATFORM=offscreen packaging/dist/KyNangSo/KyNangSo --data-dir "$(mktemp -d)" --self-test
