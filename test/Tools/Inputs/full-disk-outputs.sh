# Run by ../dsc-outputs-full-disk.test inside its private mount namespace:
# DISK is a 16 KiB tmpfs. Leaves a little room so that every output
# starts writing and then runs out of space.
disk=$1 examples=$2 tiny=$3
echo previous > "$disk/out"
head -c 8192 /dev/zero > "$disk/filler"
try() {
  name=$1; shift
  "$@" 2> "$disk/../err"; echo "$name: exit $?"; cat "$disk/../err"
  cat "$disk/out"
}
try import dsc import "$examples/deepseek-v3/config.json" -o "$disk/out"
try opt dsc-opt "$tiny" -o "$disk/out"
try loads dsc loads --layers 58 --experts 256 -o "$disk/out"
try schedule dsc schedule --kind dualpipe --pp 8 --microbatches 32 --format svg -o "$disk/out"
echo files: $(ls -A "$disk")
