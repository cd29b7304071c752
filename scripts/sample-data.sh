# A small team's data, put into a running Gamme through its public API (nginx), for
# scripts/backup-check.sh and scripts/upgrade-check.sh. Sourced, not run; needs curl, jq, python3.
#
#   sample_populate BASE_URL STATE_DIR   users (admin, two editors, a technician), an asset tree,
#                                        a procedure with reference photos published by review, a
#                                        completed run with a photo and signatures, a second
#                                        procedure in draft, a team (where the work
#                                        service exists), an AI job; writes
#                                        STATE_DIR/sample.json (ids and passwords for the checks)
#   sample_login BASE_URL EMAIL PASSWORD prints an access token (fails unless sign-in works)
#   sample_snapshot DB_URL FILES_DIR OUT writes OUT.rows (every table's row count; needs
#                                        backup-target.sh's row_counts_sql) and OUT.files (checksums)
#   sample_served BASE_URL STATE_DIR     the sample's users sign in, the audit chain is valid, the
#                                        run is completed, every uploaded file downloads unchanged

sample_admin_email=admin@gamme.test
sample_admin_password=Admin-password-1
sample_password=Own-password-42

# api METHOD URL TOKEN EXPECTED_STATUS [JSON]: prints the answer's body.
sample_api() {
    local method=$1 url=$2 token=$3 expected=$4 body=${5:-} out status
    out=$(mktemp)
    local args=(-sS -o "$out" -w '%{http_code}' -X "$method" "$url" -H 'Accept: application/json')
    [[ -n $token ]] && args+=(-H "Authorization: Bearer $token")
    [[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
    status=$(curl "${args[@]}")
    if [[ $status != "$expected" ]]; then
        printf '%s %s answered %s, not %s: %s\n' "$method" "${url#*://*/}" "$status" "$expected" "$(head -c 400 "$out")" >&2
        rm -f "$out"
        return 1
    fi
    cat "$out"
    rm -f "$out"
}

sample_login() {
    local base=$1 email=$2 password=$3 body
    body=$(jq -nc --arg e "$email" --arg p "$password" '{email: $e, password: $p}')
    sample_api POST "$base/api/auth/login" "" 200 "$body" | jq -er .access_token
}

# A PNG of one colour, w×h, written to PATH: distinct images are distinct blobs.
sample_png() {
    python3 - "$@" <<'PY'
import struct, sys, zlib
path, r, g, b = sys.argv[1], *map(int, sys.argv[2:5])
w, h = 48, 32
raw = b"".join(b"\x00" + bytes((r, g, b)) * w for _ in range(h))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(path, "wb").write(png)
PY
}

# upload BASE TOKEN PATH: prints the stored file's id.
sample_upload() {
    local base=$1 token=$2 path=$3 out status
    out=$(mktemp)
    status=$(curl -sS -o "$out" -w '%{http_code}' -H "Authorization: Bearer $token" -F "files=@$path;type=image/png" "$base/api/files")
    if [[ $status != 201 ]]; then
        echo "upload of $(basename "$path") answered $status: $(head -c 400 "$out")" >&2
        rm -f "$out"
        return 1
    fi
    jq -er '.files[0].id' "$out"
    rm -f "$out"
}

# user BASE ADMIN_TOKEN ROLE NAME: creates the user, who then sets their own password; prints the email.
sample_user() {
    local base=$1 admin=$2 role=$3 name=$4 email created temporary token
    email="$name@gamme.test"
    created=$(sample_api POST "$base/api/auth/users" "$admin" 201 \
        "$(jq -nc --arg e "$email" --arg n "$name" --arg r "$role" '{email: $e, display_name: $n, role: $r}')")
    temporary=$(jq -er .temporary_password <<<"$created")
    token=$(sample_login "$base" "$email" "$temporary")
    sample_api POST "$base/api/auth/me/password" "$token" 200 \
        "$(jq -nc --arg c "$temporary" --arg p "$sample_password" '{current_password: $c, new_password: $p}')" >/dev/null
    echo "$email"
}

sample_populate() {
    local base=$1 state=$2 admin editor_a editor_b tech a_email b_email tech_email
    mkdir -p "$state"
    local status
    status=$(sample_api GET "$base/api/auth/setup" "" 200)
    if [[ $(jq -r .needed <<<"$status") == true ]]; then
        sample_api POST "$base/api/auth/setup" "" 201 \
            "$(jq -nc --arg e "$sample_admin_email" --arg p "$sample_admin_password" '{email: $e, password: $p, display_name: "Admin"}')" >/dev/null
    fi
    admin=$(sample_login "$base" "$sample_admin_email" "$sample_admin_password")
    a_email=$(sample_user "$base" "$admin" editor camille.editor)
    b_email=$(sample_user "$base" "$admin" editor dominique.reviewer)
    tech_email=$(sample_user "$base" "$admin" technician sacha.technician)
    editor_a=$(sample_login "$base" "$a_email" "$sample_password")
    editor_b=$(sample_login "$base" "$b_email" "$sample_password")
    tech=$(sample_login "$base" "$tech_email" "$sample_password")

    local parent=null kind name asset equipment
    for kind in site area equipment; do
        case $kind in
            site) name="Usine de Lyon" ;;
            area) name="Salle des pompes" ;;
            equipment) name="Pompe P-101" ;;
        esac
        asset=$(sample_api POST "$base/api/assets" "$admin" 201 \
            "$(jq -nc --arg k "$kind" --arg n "$name" --argjson p "$parent" \
                '{kind: $k, parent_id: $p, code: ("LYON-" + ($k | ascii_upcase)), name: $n, manufacturer: "Grundfos"}')")
        parent=$(jq -c .id <<<"$asset")
    done
    equipment=$(jq -r . <<<"$parent")

    sample_png "$state/reference-1.png" 200 40 40
    sample_png "$state/reference-2.png" 40 200 40
    sample_png "$state/coupling.png" 40 40 200
    sample_png "$state/signature.png" 20 20 20
    sample_png "$state/sign-off.png" 90 90 90
    local ref1 ref2 content procedure procedure_id
    ref1=$(sample_upload "$base" "$editor_a" "$state/reference-1.png")
    ref2=$(sample_upload "$base" "$editor_a" "$state/reference-2.png")
    content=$(jq -nc --arg r1 "$ref1" --arg r2 "$ref2" '{sections: [
        {title: null, steps: [{kind: "instruction", title: "Lock out the pump", body: "Isolate **both** valves.",
                               warning_level: "danger", warning_text: "Pressurised line", attachments: [$r1]}]},
        {title: "Checks", steps: [
            {kind: "checkbox", title: "Guard in place"},
            {kind: "number", title: "Discharge pressure", unit: "bar", min: 2.0, max: 3.0},
            {kind: "photo", title: "Photo of the coupling", attachments: [$r2]},
            {kind: "signature", title: "Supervisor signature"}]}]}')
    procedure=$(sample_api POST "$base/api/procedures" "$editor_a" 201 \
        "$(jq -nc --arg e "$equipment" --argjson c "$content" \
            '{code: "PM-P101", title: "Inspection pompe P-101", language: "fr", description: "Inspection mensuelle",
              tags: ["pompe", "mensuel"], asset_ids: [$e], content: $c}')")
    procedure_id=$(jq -er .id <<<"$procedure")
    sample_api POST "$base/api/procedures/$procedure_id/revisions/1/submit" "$editor_a" 200 '{}' >/dev/null
    sample_api POST "$base/api/procedures/$procedure_id/revisions/1/approve" "$editor_b" 200 '{"comment": "OK"}' >/dev/null
    sample_api POST "$base/api/procedures" "$editor_a" 201 \
        '{"code": "PM-DRAFT", "title": "Graissage moteur", "language": "fr", "content": {"sections": [{"title": null, "steps": [{"kind": "checkbox", "title": "Graisser"}]}]}}' >/dev/null

    local run run_id step_ids photo signature signoff
    run=$(sample_api POST "$base/api/runs" "$tech" 201 "$(jq -nc --arg p "$procedure_id" --arg e "$equipment" '{procedure_id: $p, asset_id: $e}')")
    run_id=$(jq -er .id <<<"$run")
    mapfile -t step_ids < <(jq -r '.revision.content.sections[].steps[].id' <<<"$run")
    photo=$(sample_upload "$base" "$tech" "$state/coupling.png")
    signature=$(sample_upload "$base" "$tech" "$state/signature.png")
    signoff=$(sample_upload "$base" "$tech" "$state/sign-off.png")
    local results=('{"value": true}' '{"value": true}' '{"value": 3.4, "note": "Relief valve sticks; reported"}'
        "{\"photo_ids\": [\"$photo\"]}" "{\"value\": \"$signature\"}")
    local i
    for i in "${!step_ids[@]}"; do
        sample_api PUT "$base/api/runs/$run_id/steps/${step_ids[$i]}" "$tech" 200 \
            "$(jq -c --arg id "$(cat /proc/sys/kernel/random/uuid)" '. + {result_id: $id}' <<<"${results[$i]}")" >/dev/null
    done
    sample_api POST "$base/api/runs/$run_id/complete" "$tech" 200 \
        "$(jq -nc --arg s "$signoff" '{signoff_name: "Sacha Martin", signature_file_id: $s}')" >/dev/null

    # The work service came after the first release: a team where it exists.
    if curl -fs -o /dev/null -H "Authorization: Bearer $admin" "$base/api/work/teams"; then
        sample_api POST "$base/api/work/teams" "$admin" 201 '{"name": "Équipe maintenance"}' >/dev/null
    fi
    local job job_id
    job=$(sample_api POST "$base/api/ai/jobs" "$editor_a" 202 \
        "$(jq -nc --arg p "$procedure_id" '{kind: "review_revision", procedure_id: $p, revision_number: 1}')")
    job_id=$(jq -er .id <<<"$job")
    # Without a model configured the job settles quickly (failed); wait, so the data is still.
    local deadline=$((SECONDS + 60)) job_status=""
    while ((SECONDS < deadline)); do
        job_status=$(sample_api GET "$base/api/ai/jobs/$job_id" "$editor_a" 200 | jq -r .status)
        [[ $job_status == succeeded || $job_status == failed || $job_status == cancelled ]] && break
        sleep 1
    done

    jq -n --arg admin "$sample_admin_email" --arg admin_password "$sample_admin_password" \
        --arg tech "$tech_email" --arg password "$sample_password" --arg procedure "$procedure_id" \
        --arg run "$run_id" --arg job "$job_id" --arg job_status "$job_status" \
        --argjson files "$(jq -nc --arg a "$ref1" --arg b "$ref2" --arg c "$photo" --arg d "$signature" --arg e "$signoff" '[$a, $b, $c, $d, $e]')" \
        '{admin: $admin, admin_password: $admin_password, technician: $tech, password: $password,
          procedure: $procedure, run: $run, ai_job: $job, ai_job_status: $job_status, files: $files}' >"$state/sample.json"
}

sample_snapshot() {
    local db=$1 files=$2 out=$3
    psql "$db" -v ON_ERROR_STOP=1 -qtAX -c "$row_counts_sql" >"$out.rows"
    (cd "$files" && find . -path ./tmp -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) >"$out.files"
}

# Prints what it found; a failure says what failed on stderr.
sample_served() {
    local base=$1 state=$2 sample=$2/sample.json admin tech verify run i=0 name id
    admin=$(sample_login "$base" "$(jq -r .admin "$sample")" "$(jq -r .admin_password "$sample")") ||
        { echo "the admin cannot sign in" >&2; return 1; }
    tech=$(sample_login "$base" "$(jq -r .technician "$sample")" "$(jq -r .password "$sample")") ||
        { echo "the technician cannot sign in" >&2; return 1; }
    verify=$(sample_api GET "$base/api/procedures/audit/verify" "$admin" 200) || return 1
    [[ $(jq -r .valid <<<"$verify") == true ]] || { echo "the audit chain is broken: $verify" >&2; return 1; }
    run=$(sample_api GET "$base/api/runs/$(jq -r .run "$sample")" "$tech" 200) || return 1
    [[ $(jq -r .status <<<"$run") == completed ]] || { echo "the run is $(jq -r .status <<<"$run")" >&2; return 1; }
    for name in reference-1 reference-2 coupling signature sign-off; do
        id=$(jq -r ".files[$i]" "$sample")
        curl -fsSL -H "Authorization: Bearer $tech" -o "$state/download" "$base/api/files/$id/content" ||
            { echo "downloading $name failed" >&2; return 1; }
        cmp -s "$state/download" "$state/$name.png" || { echo "$name downloads other bytes than were uploaded" >&2; return 1; }
        i=$((i + 1))
    done
    echo "sign-in works, the audit chain is valid ($(jq -r .entries_checked <<<"$verify") entries), the run is completed, all $i uploaded files download unchanged"
}
