#!/usr/bin/env bash
# Lays out real photos for the quantization tests and benchmark, from pinned Debian packages (never committed):
#   $1/calibration/  13 colour and grey photos from python3-skimage's data folder (astronaut, coffee, rocket, ...)
#   $1/evaluation/   61 photographs, each a different scene: opencv-doc's sample images (36), mate-backgrounds'
#                    nature set (12) and lomiri-wallpapers-16.04 (13). Every file is named below: the packages also
#                    ship drawings, renders, test patterns and near-duplicate views, which are left out on purpose.
# The two sets come from different packages, so no image is in both. Runs as root on CI (apt-get update if needed).
set -euo pipefail
dest=$(realpath -m "$1")
[ -f "$dest/.complete" ] && exit 0

here=$(dirname "$(realpath "$0")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cd "$work"
packages=(python3-skimage=0.19.3-8 opencv-doc=4.6.0+dfsg-12 mate-backgrounds=1.26.0-1 lomiri-wallpapers-16.04=20.04.0-2)
bash "$here/../../components/Quantization/build/apt-download.sh" "${packages[@]}"
for deb in ./*.deb; do dpkg-deb -x "$deb" root; done

rm -rf "$dest.tmp" && mkdir -p "$dest.tmp/calibration" "$dest.tmp/evaluation"
copy() { # copy SOURCE_DIR PREFIX FILE...: each file into the evaluation set, named PREFIX-<path with / as ->
  local source=$1 prefix=$2; shift 2
  for file in "$@"; do cp "$source/$file" "$dest.tmp/evaluation/$prefix-${file//\//-}"; done
}

skimage=root/usr/lib/python3/dist-packages/skimage/data
for name in astronaut.png brick.png camera.png chelsea.png coffee.png coins.png grass.png gravel.png hubble_deep_field.jpg \
            moon.png motorcycle_left.png retina.jpg rocket.jpg; do
  cp "$skimage/$name" "$dest.tmp/calibration/skimage-$name"
done

copy root/usr/share/doc/opencv-doc/examples opencv \
  data/aero1.jpg data/aloeL.jpg data/apple.jpg data/baboon.jpg data/basketball1.png data/board.jpg data/box_in_scene.png \
  data/building.jpg data/butterfly.jpg data/chicky_512.png data/ela_original.jpg data/fruits.jpg data/graf1.png data/home.jpg \
  data/left01.jpg data/leuvenA.jpg data/licenseplate_motion.jpg data/messi5.jpg data/orange.jpg data/rubberwhale1.png \
  data/smarties.png data/squirrel_cls.jpg data/stuff.jpg data/sudoku.png data/text_defocus.jpg \
  alphamat/input_images/plant.jpg hfs/data/000.jpg hfs/data/001.jpg hfs/data/002.jpg reg/home.png \
  text/scenetext01.jpg text/scenetext02.jpg text/scenetext03.jpg text/scenetext04.jpg text/scenetext05.jpg text/scenetext06.jpg
copy root/usr/share/backgrounds/mate/nature mate \
  Aqua.jpg Blinds.jpg Dune.jpg FreshFlower.jpg Garden.jpg GreenMeadow.jpg LadyBird.jpg RainDrops.jpg Storm.jpg TwoWings.jpg \
  Wood.jpg YellowFlower.jpg
copy root/usr/share/backgrounds lomiri \
  Bridge_by_Sander_Klootwijk.jpg Dragonfly_by_Bolly.jpg Picture_0B_by_freespace.jpg Picture_1A_by_freespace.jpg \
  Wine_by_Jakkub_Mede.jpg aitzgorri_by_Aitzol_Berasategi.jpg free_by_Peter_Nerlich.jpg friends_by_Aitzol_Berasategi.jpg \
  greentock_by_Peter_Nerlich.jpg life_by_Aitzol_Berasategi.jpg picosdeeuropa_by_Aitzol_Berasategi.jpg \
  seeding_by_Clements_Engelhardt.jpg sunset_by_Aitzol_Berasategi.jpg

touch "$dest.tmp/.complete"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
