#!/usr/bin/env bash
# Lays out real photos for the quantization tests and benchmark, from pinned Debian packages (never committed):
#   $1/calibration/  13 colour and grey photos from python3-skimage's data folder (astronaut, coffee, rocket, ...)
#   $1/evaluation/   56 wallpapers, one size each: plasma-workspace-wallpapers (30), mate-backgrounds (14),
#                    ukui-wallpapers (12); mostly photographs, a few are digital art
# The two sets come from different packages, so no image is in both. Runs as root on CI (apt-get update if needed).
set -euo pipefail
dest=$(realpath -m "$1")
[ -f "$dest/.complete" ] && exit 0

here=$(dirname "$(realpath "$0")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cd "$work"
packages=(python3-skimage=0.19.3-8 plasma-workspace-wallpapers=4:5.27.5-2 mate-backgrounds=1.26.0-1 ukui-wallpapers=20.04.3-1.1)
bash "$here/../../components/Quantization/build/apt-download.sh" "${packages[@]}"
for deb in ./*.deb; do dpkg-deb -x "$deb" root; done

rm -rf "$dest.tmp" && mkdir -p "$dest.tmp/calibration" "$dest.tmp/evaluation"
skimage=root/usr/lib/python3/dist-packages/skimage/data
for name in astronaut.png brick.png camera.png chelsea.png coffee.png coins.png grass.png gravel.png hubble_deep_field.jpg \
            moon.png motorcycle_left.png retina.jpg rocket.jpg; do
  cp "$skimage/$name" "$dest.tmp/calibration/skimage-$name"
done

# Plasma ships each wallpaper in many sizes (WIDTHxHEIGHT.ext): take the narrowest that is at least 1280 wide.
for dir in root/usr/share/wallpapers/*/contents/images; do
  wallpaper=$(basename "$(dirname "$(dirname "$dir")")")
  pick=$(ls "$dir" | awk -F'[x.]' '$1 >= 1280 {print $1, $0}' | sort -n | head -1 | cut -d' ' -f2)
  [ -n "$pick" ] && cp "$dir/$pick" "$dest.tmp/evaluation/plasma-$wallpaper.${pick##*.}"
done
for file in root/usr/share/backgrounds/mate/nature/*.jpg root/usr/share/backgrounds/mate/abstract/Elephants.jpg \
            root/usr/share/backgrounds/mate/desktop/GreenTraditional.jpg; do
  cp "$file" "$dest.tmp/evaluation/mate-$(basename "$file")"
done
for file in root/usr/share/backgrounds/*.jpg root/usr/share/backgrounds/*.png; do
  cp "$file" "$dest.tmp/evaluation/ukui-$(basename "$file")"
done

touch "$dest.tmp/.complete"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
