//! Printed receipts: every language's PDF renders to a page with poppler's
//! `pdftoppm`, `pdftotext` reads the accented words back, and `zbarimg`
//! scans the QR code. The PNGs are
//! kept in `target/receipt-previews/` for a person to look at.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::Shop;
use steward_core::{
    verify_receipt, CollectionMethod, ConsentForm, IdentityCheck, Lang, Paper, Role, Signature,
};

fn previews_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/receipt-previews");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Words each language's receipt must show, accents included.
fn expected_words(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &["Consent receipt", "Membership", "Forn de la Plaça"],
        Lang::Ca => &[
            "Comprovant de consentiment",
            "Condició de soci",
            "Ha acceptat",
            "Plaça",
        ],
        Lang::Id => &[
            "Tanda terima persetujuan",
            "Keanggotaan",
            "Anda menyetujui",
            "Plaça",
        ],
        Lang::Es => &[
            "Justificante de consentimiento",
            "Condición de socio",
            "Ha aceptado",
            "Plaça",
        ],
    }
}

#[test]
fn every_languages_receipt_prints_as_a_pdf_page_with_its_accents() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.user(&mut v, "sam", Role::Staff);
    let dir = previews_dir();
    for lang in Lang::ALL {
        let notice = v.notice(&mut s, lang, None).unwrap();
        let joined = v
            .join_customer(
                &mut s,
                ConsentForm {
                    lang,
                    notice_version: notice.version,
                    granted: vec!["membership".into(), "loyalty".into(), "email-offers".into()],
                    fields: vec![
                        ("name".into(), "Núria Puigdomènech".into()),
                        ("email".into(), "nuria@example.cat".into()),
                    ],
                    method: CollectionMethod::InStoreForm,
                    identity_check: IdentityCheck::IdDocument,
                    signature: Some(Signature::Drawn(vec![vec![[0.1, 0.1], [0.9, 0.9]]])),
                    form_id: None,
                },
            )
            .unwrap();
        let pdf = v.receipt_pdf(&mut s, &joined.receipt.receipt_id).unwrap();
        assert_eq!(verify_receipt(&pdf).unwrap().format, "pdf");
        let pdf_path = dir.join(format!("receipt-{lang}.pdf"));
        std::fs::write(&pdf_path, &pdf).unwrap();

        let png_base = dir.join(format!("receipt-{lang}"));
        let status = Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-singlefile"])
            .arg(&pdf_path)
            .arg(&png_base)
            .status()
            .expect("pdftoppm (poppler-utils) is installed by `make deps`");
        assert!(status.success(), "pdftoppm failed for {lang}");
        let png = std::fs::read(png_base.with_extension("png")).unwrap();
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 2000,
            "{lang}: no page image"
        );

        let text = Command::new("pdftotext")
            .arg(&pdf_path)
            .arg("-")
            .output()
            .unwrap();
        assert!(text.status.success());
        let text = String::from_utf8(text.stdout).unwrap();
        for word in expected_words(lang) {
            assert!(
                text.contains(word),
                "{lang} receipt lacks {word:?}:\n{text}"
            );
        }
        // People read a short receipt number; the QR code holds the whole id.
        let id = &joined.receipt.receipt_id;
        let head: String = id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect();
        let short = format!("{}-{}", &head[..4], &head[4..]).to_uppercase();
        assert!(
            text.contains(&short),
            "{lang}: no receipt number {short}:\n{text}"
        );
        assert!(
            !text.contains(id.as_str()),
            "{lang}: the whole id is printed"
        );
        assert!(!text.contains("UTC"), "{lang}: the time is printed in UTC");
        // Field names are listed; the customer's values never are.
        assert!(
            !text.contains("Núria") && !text.contains("nuria@"),
            "{lang}"
        );

        // The QR code on the page scans to the receipt's number and signature.
        let sharp = dir.join(format!("receipt-{lang}-qr"));
        let status = Command::new("pdftoppm")
            .args(["-png", "-r", "200", "-singlefile"])
            .arg(&pdf_path)
            .arg(&sharp)
            .status()
            .unwrap();
        assert!(status.success());
        let scanned = Command::new("zbarimg")
            .args(["--raw", "-q"])
            .arg(sharp.with_extension("png"))
            .output()
            .expect("zbarimg (zbar-tools) is installed by `make deps`");
        let expected = v
            .printable_receipt(&mut s, &joined.receipt.receipt_id)
            .unwrap()
            .qr_text;
        assert!(expected.starts_with(&format!("STEWARD-RECEIPT:{}:", joined.receipt.receipt_id)));
        assert_eq!(
            String::from_utf8_lossy(&scanned.stdout).trim(),
            expected,
            "{lang}"
        );
    }
}

/// Issue 14: a receipt for a till printer's 80 mm roll is one narrow
/// column with the QR code under the details, still signed, readable and
/// scannable.
#[test]
fn a_receipt_prints_on_a_till_printers_80_mm_roll() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.user(&mut v, "sam", Role::Staff);
    let lang = Lang::Ca;
    let notice = v.notice(&mut s, lang, None).unwrap();
    let joined = v
        .join_customer(
            &mut s,
            ConsentForm {
                lang,
                notice_version: notice.version,
                granted: vec!["membership".into(), "loyalty".into()],
                fields: vec![("name".into(), "Núria Puigdomènech".into())],
                method: CollectionMethod::InStoreForm,
                identity_check: IdentityCheck::IdDocument,
                signature: Some(Signature::Drawn(vec![vec![[0.1, 0.1], [0.9, 0.9]]])),
                form_id: None,
            },
        )
        .unwrap();
    let id = joined.receipt.receipt_id;
    let pdf = v.receipt_pdf_on(&mut s, &id, Paper::Till80).unwrap();
    assert_eq!(verify_receipt(&pdf).unwrap().format, "pdf");
    let dir = previews_dir();
    let pdf_path = dir.join("receipt-ca-80mm.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();

    // 80 mm wide (226.77 pt), in 297 mm lengths.
    let info = Command::new("pdfinfo").arg(&pdf_path).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("226.77 x 841.89 pts"), "{info}");

    let text = Command::new("pdftotext")
        .arg(&pdf_path)
        .arg("-")
        .output()
        .unwrap();
    // Lines wrap sooner on a roll: read the words, not the line breaks.
    let text = String::from_utf8(text.stdout).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for word in expected_words(lang) {
        assert!(text.contains(word), "the roll lacks {word:?}:\n{text}");
    }

    let sharp = dir.join("receipt-ca-80mm");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "200", "-singlefile"])
        .arg(&pdf_path)
        .arg(&sharp)
        .status()
        .unwrap();
    assert!(status.success());
    let scanned = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(sharp.with_extension("png"))
        .output()
        .unwrap();
    let expected = v.printable_receipt(&mut s, &id).unwrap().qr_text;
    assert_eq!(String::from_utf8_lossy(&scanned.stdout).trim(), expected);
}

/// The sentence a receipt signed by typing prints, per language.
fn typed_sentence(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "Signed by typing your name, “Aina Vilaró”, which you confirmed is your signature."
        }
        Lang::Ca => {
            "Signat escrivint el seu nom, «Aina Vilaró», que vostè ha confirmat que és la seva signatura."
        }
        Lang::Es => "Firmado escribiendo su nombre, «Aina Vilaró», que usted confirmó que es su firma.",
        Lang::Id => {
            "Ditandatangani dengan mengetik nama Anda, “Aina Vilaró”, yang Anda konfirmasi sebagai tanda tangan Anda."
        }
    }
}

/// Issue 14: a customer who cannot draw signs by typing their name; the
/// paper receipt, A4 and 80 mm, says so in their language, still signed.
#[test]
fn a_receipt_signed_by_typing_the_name_says_so_on_paper_in_every_language() {
    let shop = Shop::new();
    let mut v = shop.open();
    let mut s = shop.user(&mut v, "sam", Role::Staff);
    let dir = previews_dir();
    for lang in Lang::ALL {
        let notice = v.notice(&mut s, lang, None).unwrap();
        let joined = v
            .join_customer(
                &mut s,
                ConsentForm {
                    lang,
                    notice_version: notice.version,
                    granted: vec!["membership".into()],
                    fields: vec![("name".into(), "Aina V.".into())],
                    method: CollectionMethod::InStoreForm,
                    identity_check: IdentityCheck::KnownCustomer,
                    signature: Some(Signature::typed("Aina Vilaró", true)),
                    form_id: None,
                },
            )
            .unwrap();
        for paper in [Paper::A4, Paper::Till80] {
            let pdf = v
                .receipt_pdf_on(&mut s, &joined.receipt.receipt_id, paper)
                .unwrap();
            assert_eq!(verify_receipt(&pdf).unwrap().format, "pdf");
            let size = if paper == Paper::A4 { "a4" } else { "80mm" };
            let pdf_path = dir.join(format!("receipt-typed-{lang}-{size}.pdf"));
            std::fs::write(&pdf_path, &pdf).unwrap();
            let text = Command::new("pdftotext")
                .arg(&pdf_path)
                .arg("-")
                .output()
                .unwrap();
            assert!(text.status.success());
            let text = String::from_utf8(text.stdout).unwrap();
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                text.contains(typed_sentence(lang)),
                "{lang} {size}: no typed-signature sentence:\n{text}"
            );
            if lang == Lang::En || paper == Paper::Till80 && lang == Lang::Ca {
                let status = Command::new("pdftoppm")
                    .args(["-png", "-r", "80", "-singlefile"])
                    .arg(&pdf_path)
                    .arg(dir.join(format!("receipt-typed-{lang}-{size}")))
                    .status()
                    .unwrap();
                assert!(status.success());
            }
        }
    }
}
