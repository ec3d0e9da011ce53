#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests (no cluster needed): each kustomization renders, and every rendered
# object matches its schema (deploy/tools/k8s/validate.mjs: Kubernetes, CloudNativePG, RabbitmqCluster; unknown
# fields included). The tests in tests/Deploy.Tests do the same and more, in ./deploy/platform test.
# Usage: deploy/k8s/check.sh   (installs the pinned tools into .local/tools first: ./deploy/platform tools)
#        KUBECTL=kubectl deploy/k8s/check.sh   renders with another kubectl (e.g. a current one: kustomize v5)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
./deploy/platform tools
kubectl="${KUBECTL:-$root/.local/tools/kubernetes-client/usr/bin/kubectl}"

status=0
for kustomization in base overlays/production; do
  rendered="$("$kubectl" kustomize "deploy/k8s/$kustomization")"
  if report="$(node deploy/tools/k8s/validate.mjs <<<"$rendered")"; then
    count="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).documents.length)' <<<"$report")"
    echo "check: deploy/k8s/$kustomization: $count objects, all valid"
  else
    status=1
    node -e 'for (const d of JSON.parse(require("fs").readFileSync(0, "utf8")).documents)
               for (const e of d.errors) console.log(`check: ${d.kind} ${d.name}: ${e}`)' <<<"$report" >&2
    echo "check: deploy/k8s/$kustomization: invalid" >&2
  fi
done
exit "$status"
