//! The files service through nginx: streamed uploads in bounded memory, nginx's own limit,
//! downloads nginx sends (Range, headers), signed links, and refused types.

#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

use std::{
    io::{Read, Write},
    path::PathBuf,
    time::{Duration, Instant},
};

use futures_util::stream;
use gamme_e2e::{admin, base_url, multipart_head, multipart_tail, upload, uploaded, Session};
use reqwest::{header, Client, StatusCode};
use serde_json::Value;

const MIB: u64 = 1024 * 1024;

fn client() -> Client {
    Client::builder().timeout(Duration::from_secs(600)).build().unwrap()
}

/// The stack's folder (`GAMME_STACK_DIR`, as scripts/stack.sh and scripts/test.sh use it).
fn stack_dir() -> Option<PathBuf> {
    std::env::var("GAMME_STACK_DIR").ok().filter(|d| !d.is_empty()).map(PathBuf::from)
}

/// Peak resident memory of the running gamme-files process, from the pid file stack.sh wrote.
fn files_service_peak_rss() -> Option<u64> {
    let pid = std::fs::read_to_string(stack_dir()?.join("run/files.pid")).ok()?;
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid.trim())).ok()?;
    assert!(status.contains("gamme-files") || status.lines().next().is_some_and(|l| l.contains("gamme-files")));
    let kib: u64 =
        status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

async fn limits(session: &Session) -> Value {
    client()
        .get(format!("{}/api/files/limits", base_url()))
        .bearer_auth(&session.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Pseudo-random bytes (xorshift), different on each run so the upload is never deduplicated.
struct Noise(u64);

impl Noise {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            chunk.copy_from_slice(&self.0.to_le_bytes()[..chunk.len()]);
        }
    }
}

/// A GiB of text, sent as a stream (never held in memory here either), through nginx.
#[tokio::test]
async fn a_one_gib_upload_streams_through_nginx_and_the_service_stays_under_64_mib() {
    let admin = admin().await;
    let size: u64 = 1024 * MIB;
    let max = limits(&admin).await["max_upload_bytes"].as_u64().unwrap();
    assert!(
        max > size + MIB,
        "the stack accepts {max} bytes; start it with GAMME_MAX_UPLOAD_BYTES=2147483648 for this test"
    );
    let boundary = "gamme-e2e-gib";
    let head = multipart_head(boundary, "big-manual.txt");
    let tail = multipart_tail(boundary);
    let total = head.len() as u64 + size + tail.len() as u64;
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    let chunks = (0..size / MIB).map(move |i| {
        // Text (so the file is accepted as such): random bytes folded onto letters.
        let mut buf = vec![0u8; MIB as usize];
        Noise(seed.wrapping_add(i).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1).fill(&mut buf);
        for b in &mut buf {
            *b = b'a' + (*b % 26);
        }
        Ok::<_, std::io::Error>(buf)
    });
    let body = stream::iter(std::iter::once(Ok(head)).chain(chunks).chain(std::iter::once(Ok(tail))));
    let started = Instant::now();
    let res = client()
        .post(format!("{}/api/files", base_url()))
        .bearer_auth(&admin.access_token)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .header(header::CONTENT_LENGTH, total)
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(res.status(), StatusCode::CREATED);
    let file: Value = res.json().await.unwrap();
    assert_eq!(file["files"][0]["size_bytes"], size);
    println!("1 GiB upload through nginx: {:.1} s, {:.0} MiB/s", elapsed.as_secs_f64(), 1024.0 / elapsed.as_secs_f64());
    // The text of the first megabytes is extracted next: measured after that too.
    let id = file["files"][0]["id"].as_str().unwrap().to_owned();
    wait_for(&admin, &id, |m| m["text"]["status"] != "pending").await;
    match files_service_peak_rss() {
        Some(peak) => {
            println!("gamme-files peak RSS (VmHWM): {:.1} MiB", peak as f64 / MIB as f64);
            assert!(peak < 64 * MIB, "gamme-files peak RSS {} MiB", peak / MIB);
        }
        None => panic!("cannot read gamme-files' VmHWM: set GAMME_STACK_DIR to the stack's folder"),
    }
    let res = client()
        .delete(format!("{}/api/files/{id}", base_url()))
        .bearer_auth(&admin.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT, "the GiB does not stay on the test disk");
}

/// nginx refuses a declared body over the limit before any of it reaches the service.
#[tokio::test]
async fn an_upload_over_the_limit_gets_413_from_nginx_as_a_problem() {
    let admin = admin().await;
    let max = limits(&admin).await["max_upload_bytes"].as_u64().unwrap();
    let address = base_url().trim_start_matches("http://").trim_end_matches('/').to_owned();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        stream,
        "POST /api/files HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        admin.access_token,
        max + 1
    )
    .unwrap();
    let _ = stream.write_all(b"--x\r\n");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("content-type: application/problem+json"), "{answer}");
    assert!(answer.contains("\"code\":\"payload_too_large\""), "{answer}");
}

#[tokio::test]
async fn downloads_through_nginx_carry_safe_headers_and_honour_range() {
    let admin = admin().await;
    let tech = admin;
    let text: String = (0..20_000).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    let text = format!("{text}-{}", std::process::id());
    let file = uploaded(&tech, "../../etc/passwd", text.as_bytes()).await;
    assert_eq!(file["name"], "passwd");
    let id = file["id"].as_str().unwrap();
    let url = format!("{}/api/files/{id}/content", base_url());

    let res = client().get(&url).bearer_auth(&tech.access_token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h[header::CONTENT_TYPE], "text/plain; charset=utf-8");
    assert_eq!(h[header::CONTENT_DISPOSITION], "attachment; filename=\"passwd.txt\"; filename*=UTF-8''passwd.txt");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(h[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("sandbox"));
    assert_eq!(h[header::ETAG], format!("\"{}\"", file["sha256"].as_str().unwrap()).as_str());
    assert!(h.get("x-accel-redirect").is_none(), "the internal path never reaches the client");
    assert_eq!(res.text().await.unwrap(), text);

    let res =
        client().get(&url).bearer_auth(&tech.access_token).header(header::RANGE, "bytes=100-109").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(res.headers()[header::CONTENT_RANGE], format!("bytes 100-109/{}", text.len()).as_str());
    assert_eq!(res.text().await.unwrap(), &text[100..110]);

    // Without a token: 401; with the signed link from the metadata: the bytes.
    let res = client().get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = client().get(format!("{}{}", base_url(), file["content_url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), text);
    let res = client().get(format!("{url}?expires=1000000000&sig=AAAA")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn executables_and_svg_are_refused_and_the_same_bytes_are_stored_once() {
    let admin = admin().await;
    let tech = &admin;
    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.resize(4096, 0);
    let res = upload(tech, "manual.pdf", &elf).await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let problem: Value = res.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("ELF executable"), "{problem}");
    let res =
        upload(tech, "logo.png", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>").await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let bytes = format!("# Gamme e2e {:?}\n", Instant::now()).into_bytes();
    let a = uploaded(tech, "a.md", &bytes).await;
    let b = uploaded(&admin, "b.md", &bytes).await;
    assert_ne!(a["id"], b["id"]);
    assert_eq!(a["sha256"], b["sha256"]);
    if let Some(dir) = stack_dir() {
        let hash = a["sha256"].as_str().unwrap();
        let shard = dir.join(format!("files/sha256/{}/{}", &hash[..2], &hash[2..4]));
        let copies = std::fs::read_dir(shard).unwrap().filter(|e| e.as_ref().unwrap().file_name() == hash).count();
        assert_eq!(copies, 1);
    }
}

#[tokio::test]
async fn a_decompression_bomb_through_nginx_neither_crashes_nor_bloats_the_service() {
    let admin = admin().await;
    // IHDR 100000×100000 RGB and a few hundred bytes of data.
    let bomb: Vec<u8> = {
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = 0xffff_ffffu32;
            for &b in bytes {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
                }
            }
            !crc
        }
        let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut typed = kind.to_vec();
            typed.extend_from_slice(data);
            out.extend_from_slice(&typed);
            out.extend_from_slice(&crc32(&typed).to_be_bytes());
        };
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = 100_000u32.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        let mut idat = vec![0x78, 0x01, 0x01, 0x00, 0x02, 0xff, 0xfd];
        idat.extend_from_slice(&[0u8; 512]);
        idat.extend_from_slice(&(1u32 + (512u32 << 16)).to_be_bytes());
        chunk(&mut out, b"IDAT", &idat);
        chunk(&mut out, b"IEND", &[]);
        out
    };
    let file = uploaded(&admin, &format!("bomb-{}.png", std::process::id()), &bomb).await;
    let id = file["id"].as_str().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let meta = loop {
        let meta: Value = client()
            .get(format!("{}/api/files/{id}", base_url()))
            .bearer_auth(&admin.access_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if meta["thumbnail"]["status"] != "pending" {
            break meta;
        }
        assert!(Instant::now() < deadline, "no thumbnail verdict: {meta}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(meta["thumbnail"]["status"], "refused", "{meta}");
    if let Some(peak) = files_service_peak_rss() {
        assert!(peak < 64 * MIB, "gamme-files peak RSS {} MiB", peak / MIB);
    }
}

async fn wait_for(session: &Session, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let meta: Value = client()
            .get(format!("{}/api/files/{id}", base_url()))
            .bearer_auth(&session.access_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if done(&meta) {
            return meta;
        }
        assert!(Instant::now() < deadline, "processing did not finish: {meta}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A PDF of `pages` pages of text.
fn pdf(pages: usize) -> Vec<u8> {
    let texts: Vec<String> = (1..=pages).map(|i| format!("Page {i} : verifier la pression de la pompe")).collect();
    pdf_with(&texts.iter().map(String::as_str).collect::<Vec<_>>())
}

/// A PDF with one page per text, hand-written objects and an exact cross-reference table.
fn pdf_with(texts: &[&str]) -> Vec<u8> {
    let pages = texts.len();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            (0..pages).map(|i| format!("{} 0 R", 4 + 2 * i)).collect::<Vec<_>>().join(" ")
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
    ];
    for (i, text) in texts.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        let stream = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
        objects.push(format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()));
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

/// The service's worker (a child of the real binary) reads a PDF's pages; nginx serves a
/// photo's thumbnail through its signed link.
#[tokio::test]
async fn a_pdf_gets_its_text_by_page_and_a_photo_its_thumbnail_through_the_real_binary() {
    let admin = admin().await;
    let manual = pdf(150);
    let file = uploaded(&admin, &format!("manuel-{}.pdf", std::process::id()), &manual).await;
    let meta = wait_for(&admin, file["id"].as_str().unwrap(), |m| m["text"]["status"] != "pending").await;
    assert_eq!(meta["text"]["status"], "extracted", "{meta}");
    assert_eq!(meta["text"]["pages"], 150);

    // A 600×300 PNG, made by hand: rows of filter byte 0 and grey pixels, zlib-stored.
    let (w, h) = (600u32, 300u32);
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0u8);
        raw.extend((0..w * 3).map(|x| ((x + y) % 251) as u8));
    }
    let png = png_stored(w, h, &raw);
    let photo = uploaded(&admin, "photo.png", &png).await;
    let meta = wait_for(&admin, photo["id"].as_str().unwrap(), |m| m["thumbnail"]["status"] != "pending").await;
    assert_eq!(meta["thumbnail"]["status"], "ready", "{meta}");
    let res =
        client().get(format!("{}{}", base_url(), meta["thumbnail"]["url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/jpeg");
    let jpeg = res.bytes().await.unwrap();
    assert!(jpeg.starts_with(b"\xff\xd8\xff"));
    if let Some(peak) = files_service_peak_rss() {
        assert!(peak < 64 * MIB, "gamme-files peak RSS {} MiB", peak / MIB);
    }
}

fn png_stored(width: u32, height: u32, raw: &[u8]) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        out.extend_from_slice(&typed);
        out.extend_from_slice(&crc32(&typed).to_be_bytes());
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        zlib.extend_from_slice(&(block.len() as u16).to_le_bytes());
        zlib.extend_from_slice(&(!(block.len() as u16)).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// The text the files service extracts is what the assistant cites, by file and page.
#[tokio::test]
async fn the_assistant_cites_an_uploaded_manual_by_page() {
    let admin = admin().await;
    let manual =
        pdf_with(&["consigner la pompe", "purger le circuit hydraulique avant remise en service", "serrer les brides"]);
    let file = uploaded(&admin, "manuel-pompe.pdf", &manual).await;
    let id = file["id"].as_str().unwrap().to_owned();
    let meta = wait_for(&admin, &id, |m| m["text"]["status"] != "pending").await;
    assert_eq!(meta["text"]["status"], "extracted", "{meta}");
    let job: Value = client()
        .post(format!("{}/api/ai/jobs", base_url()))
        .bearer_auth(&admin.access_token)
        .json(&serde_json::json!({ "kind": "ask_document", "file_ids": [id], "question": "Comment purger le circuit hydraulique ?" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let job_id = job["id"].as_str().unwrap_or_else(|| panic!("no job id: {job}")).to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    let done = loop {
        let job: Value = client()
            .get(format!("{}/api/ai/jobs/{job_id}", base_url()))
            .bearer_auth(&admin.access_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if job["status"] == "succeeded" || job["status"] == "failed" {
            break job;
        }
        assert!(Instant::now() < deadline, "the job did not finish: {job}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert_eq!(done["status"], "succeeded", "{done}");
    let citations = done["result"]["citations"].as_array().unwrap();
    assert!(citations.iter().any(|c| c["file_id"] == id.as_str() && c["page"] == 2), "{done}");
}
