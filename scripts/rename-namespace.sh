#!/bin/sh
# Renames webhookd's own lexicon namespace (dev.lexc.webhookd) in a fork:
#   scripts/rename-namespace.sh com.example.hooks
# The namespace is one name written three ways: the NSID prefix in the
# lexicons (dev.lexc.webhookd.X), their path (lexicons/dev/lexc/webhookd/),
# and the C prefix lexc gen derives from it (dev_lexc_webhookd_). This
# rewrites all three in every tracked file and moves the files whose names
# carry it, then the tree builds as before (tests/check_namespace.sh).
set -eu
old=${WEBHOOKD_OLD_NAMESPACE:-dev.lexc.webhookd}
new=${1:?usage: $0 NEW.NAMESPACE (an NSID authority plus name, e.g. com.example.hooks)}
case $new in
*[!a-zA-Z0-9.-]* | .* | *. | *..*)
	echo "$0: '$new' is not a valid NSID prefix" >&2
	exit 2
	;;
esac
cd "$(dirname "$0")/.."
old_path=$(echo "$old" | tr . /)
new_path=$(echo "$new" | tr . /)
old_c=$(echo "$old" | tr . _)
new_c=$(echo "$new" | tr .- __)
# The source files: git's list in a checkout, else every file outside
# build trees (a release tarball).
sources() {
	if [ -d .git ] && command -v git >/dev/null 2>&1; then
		git ls-files
	else
		find . -type f ! -path './build*' ! -path './.git/*' | sed 's|^\./||'
	fi
}
# Text first, then the files whose paths carry the name (git sees the moves
# as renames when they are added).
sources | while IFS= read -r f; do
	[ -f "$f" ] || continue
	grep -q -e "$old" -e "$old_path" -e "$old_c" "$f" 2>/dev/null || continue
	sed -i -e "s|$old_path|$new_path|g" -e "s|$old_c|$new_c|g" -e "s|$old|$new|g" "$f"
done
if [ -d "lexicons/$old_path" ]; then
	mkdir -p "lexicons/$(dirname "$new_path")"
	mv "lexicons/$old_path" "lexicons/$new_path"
fi
sources | grep "$old_c" | while IFS= read -r f; do
	[ -f "$f" ] && mv "$f" "$(echo "$f" | sed "s|$old_c|$new_c|g")"
done
echo "renamed $old to $new; run autoreconf -fi and rebuild"
