#!/usr/bin/env bash
# Packs the PyInstaller bundle (dist/duly) into dist/duly_<version>_<arch>.deb:
#   /opt/duly/                          the bundle
#   /usr/bin/duly                       -> /opt/duly/duly
#   /usr/share/applications/duly.desktop
#   /usr/share/icons/hicolor/{scalable,NxN}/apps/duly.{svg,png}
#   /usr/share/mime/packages/duly.xml   Duly stores, so a double-click opens one
# The desktop, icon and MIME caches are refreshed by the triggers of the Debian packages
# that own them, so the package needs no maintainer scripts and `apt remove` leaves nothing.
# zstd: packed in 3 s where xz took 25 (63 MB against 58); dpkg reads it since 1.21.18
# (Debian 12, Ubuntu 21.10), the oldest systems the bundle's libraries fit anyway.
# Usage: build-deb.sh PYTHON (a Python with PySide6, to draw the icon's PNGs)
set -euo pipefail
command -v dpkg-deb >/dev/null || { echo "no dpkg-deb here: the bundle is in dist/duly, no .deb made"; exit 0; }
cd "$(dirname "$0")/../.."
python=${1:-.venv/bin/python}
version=$("$python" -c "import configparser as c; p = c.ConfigParser(); p.read('setup.cfg'); print(p['metadata']['version'])")
arch=$(dpkg --print-architecture)
root=build/deb
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
         "$root/usr/share/icons/hicolor/scalable/apps" "$root/usr/share/mime/packages"
cp -a dist/duly "$root/opt/duly"
ln -s /opt/duly/duly "$root/usr/bin/duly"
cp resources/duly.desktop "$root/usr/share/applications/duly.desktop"
cp resources/icons/duly.svg "$root/usr/share/icons/hicolor/scalable/apps/duly.svg"
"$python" packaging/linux/render_icons.py resources/icons/duly.svg "$root/usr/share/icons/hicolor"
cp packaging/linux/duly.xml "$root/usr/share/mime/packages/duly.xml"

# Depends: the Debian package of every system library the bundle's programs and plugins
# load (ldd sees past the bundle to what the system must give), plus the xcb libraries
# Qt's X11 plugin opens at run time.
libs=$(find "$root/opt/duly" -type f \( -name '*.so*' -o -name duly \) -print0 \
  | LD_LIBRARY_PATH="$root/opt/duly/_internal:$root/opt/duly/_internal/PySide6/Qt/lib" \
    xargs -0 ldd 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u \
  | grep -v "^$PWD/" || true)
packages="libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libegl1
libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0"
if [ -n "$libs" ]; then
  # The owner of each, read from dpkg's file lists in one pass (dpkg -S takes 12 s for
  # these); a library may be listed under /lib or /usr/lib (merged /usr).
  wanted=$(for lib in $libs; do echo "${lib#/usr}"; echo "/usr${lib#/usr}"; done)
  owners=$(grep -H -F -x -f <(echo "$wanted") /var/lib/dpkg/info/*.list \
    | sed 's|^/var/lib/dpkg/info/\([^:]*\)\(:[^:]*\)\{0,1\}\.list:.*|\1|' \
    | grep -v -- '-dev$' | sort -u || true)
  packages="$packages $owners"
fi
depends=$(echo $packages | tr ' ' '\n' | sort -u | paste -sd, | sed 's/,/, /g')
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
    -e "s/@DEPENDS@/$depends/" packaging/linux/control.in > "$root/DEBIAN/control"
dpkg-deb --root-owner-group -Zzstd -z9 --build "$root" "dist/duly_${version}_${arch}.deb" >/dev/null
echo "dist/duly_${version}_${arch}.deb"
