package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// Encoding names what Decode detected. The values are stable strings so they
// can be printed in logs and reports as they are.
type Encoding string

// The encodings Decode recognises.
const (
	// UTF8 is UTF-8 without a byte order mark: Google Sheets, LibreOffice
	// and most tools. It is also what Decode reports for pure ASCII input.
	UTF8 Encoding = "utf-8"
	// UTF8BOM is UTF-8 with a leading EF BB BF: Excel's "CSV UTF-8".
	UTF8BOM Encoding = "utf-8-bom"
	// UTF16LE is little-endian UTF-16: Excel's "Unicode text" on Windows.
	UTF16LE Encoding = "utf-16le"
	// UTF16BE is big-endian UTF-16, rare but cheap to support.
	UTF16BE Encoding = "utf-16be"
	// Windows1252 is the ANSI code page of western Windows: Excel's plain
	// "CSV (Comma delimited)" writes it, so it is the usual answer for bytes
	// that are not UTF-8.
	Windows1252 Encoding = "windows-1252"
	// MacRoman is the code page of classic Mac OS: old Excel for Mac's
	// "CSV (Macintosh)" writes it, with a lone CR at the end of each line.
	MacRoman Encoding = "mac-roman"
)

// Options change what Decode would decide.
type Options struct {
	// Encoding, when set, is used instead of the one detected; a BOM of
	// that encoding is still dropped. For a file detection gets wrong.
	Encoding Encoding
}

// sniffLen bounds how much of the input Decode looks at before deciding. It
// is the only buffer that grows with it, so memory stays constant however large
// the input is; 64 KiB holds several hundred rows of a typical sheet.
const sniffLen = 64 << 10

// ErrWorkbook is matched (errors.Is) by the *WorkbookError Decode returns
// when the input starts like a binary workbook (.xlsx, .ods: a zip archive; .xls: an OLE2 compound file) instead of
// text. Decoding such a file as Windows-1252 would "succeed" and produce a
// wall of garbage columns, so we stop early with an actionable message.
var ErrWorkbook = errors.New(`sheet: input is a spreadsheet workbook (.xlsx/.xls/.ods), not a CSV export; in Excel use "Save As > CSV UTF-8", in Google Sheets "Download > Comma-separated values"`)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
	magicZip   = []byte("PK\x03\x04")
	magicOLE2  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Decoder is the reader Decode returns: UTF-8 text with any BOM removed and
// lone CR line endings turned into LF.
//
// Bytes that cannot be decoded are never dropped silently and never make Read
// fail: each is replaced with U+FFFD and counted, so a whole sheet still loads
// and the caller can warn (or refuse) with a line number the user can find,
// e.g. "line 812: 3 characters could not be decoded". Check Replaced after
// reading; it only covers what has been read so far.
//
// A Decoder is not safe for concurrent use; call its methods from the
// goroutine that reads it, or after reading is done.
type Decoder struct {
	r     io.Reader
	state *decodeState
}

// Read reads decoded UTF-8 text. Errors are those of the underlying reader,
// and *AmbiguousError when a late decision (see Encoding) finds no clear
// code page; undecodable bytes are not errors (see Replaced).
func (d *Decoder) Read(p []byte) (int, error) { return d.r.Read(p) }

// Encoding reports the encoding in use. It equals what Decode returned, except
// that a pure-ASCII prefix is only provisionally UTF-8: if the first non-ASCII
// byte after it is not valid UTF-8, the code pages are weighed on the line it
// is on and up to 64 KiB after it, the Decoder switches to the one that reads
// them clearly best, and Encoding says so from then on; with no clear one,
// Read fails with *AmbiguousError. This is the common "Excel ANSI CSV whose
// first accented name is on row 900" case, which would otherwise come out as
// U+FFFD.
func (d *Decoder) Encoding() Encoding { return d.state.enc }

// Replaced reports how many U+FFFD substitutions were made so far: one per
// invalid UTF-8 byte, unpaired UTF-16 surrogate, odd trailing UTF-16 byte,
// byte a single-byte code page leaves undefined (Windows-1252's 0x81 0x8D
// 0x8F 0x90 0x9D...), Mac Roman's 0xF0 (Apple's logo, a private-use
// character), or invalid multi-byte sequence (Shift-JIS, GBK, Big5, CP949).
// A U+FFFD that was already in the input is not counted.
func (d *Decoder) Replaced() int64 { return d.state.replaced }

// CtrlZ reports that the input ended in a Ctrl-Z (0x1A), the end-of-file
// mark of MS-DOS programs, and that it was dropped.
func (d *Decoder) CtrlZ() bool { return d.state.ctrlZ }

// FirstReplacedLine reports the 1-based line of the decoded text where the first
// substitution happened, or 0 if none did. Lines end at LF, CRLF or a lone CR,
// so quoted multi-line cells make it larger than the spreadsheet row number.
func (d *Decoder) FirstReplacedLine() int64 { return d.state.firstLine }

// Decode returns a reader of UTF-8 text with a BOM removed, for: UTF-8 with or
// without BOM; UTF-16 LE/BE with BOM (Excel's "Unicode text"); and, when the
// bytes are not valid UTF-8, the code page they read in as names (see
// weigh.go: Windows-1250 to 1257, Shift-JIS, GB18030, CP949, Big5, CP850,
// CP437, Latin-9, Mac Roman). The returned io.Reader is always a *Decoder;
// type-assert it to read Replaced and Encoding after reading.
//
// Why this shape: sales teams hand us whatever their spreadsheet saved, and
// encoding/csv only understands UTF-8, so encoding detection must happen before
// parsing and must never need the whole file in memory. Decode peeks at most
// 64 KiB (one bufio buffer) and then streams with fixed-size buffers.
//
// How it decides, in order:
//   - a zip or OLE2 signature: ErrWorkbook (someone attached the .xlsx);
//   - a BOM: UTF-8 (utf-8-bom), UTF-16LE or UTF-16BE; the BOM is dropped;
//   - no BOM but a NUL byte in (nearly) every other position: BOM-less UTF-16
//     of mostly-ASCII text, LE or BE by which half holds the NULs;
//   - the prefix is valid UTF-8 (a rune cut by the 64 KiB boundary is fine):
//     utf-8, unless it holds so few non-ASCII characters that GBK or
//     Shift-JIS could be valid UTF-8 by chance and a code page reads them
//     clearly better (see notUTF8). If the prefix is pure ASCII, that is
//     provisional; see (*Decoder).Encoding;
//   - otherwise the code page that reads the prefix clearly best as names
//     (see weigh; lines that end in a lone CR favour Mac Roman), also when
//     the prefix mixes valid UTF-8 with invalid bytes; with no clear one,
//     *AmbiguousError, which shows one name as each candidate reads it.
//
// If the prefix decided UTF-8 (with non-ASCII characters, or a BOM) and invalid
// bytes appear later, they become U+FFFD and are counted by Replaced rather than
// failing the read: the rest of the file is usually fine, and the caller is the
// one who knows whether a damaged name is fatal.
//
// Line endings: a lone CR (classic Mac OS, some exporters) becomes LF so that
// encoding/csv sees separate records; CRLF and LF pass through unchanged. This
// is done without tracking CSV quotes, on purpose: quote state depends on the
// delimiter, which is not known yet, and a lone CR inside a quoted cell is a
// line break within the cell anyway, which encoding/csv then returns as "\n".
// A CR followed by LF inside a quoted cell is left alone (encoding/csv itself
// turns it into "\n"), so the field value is the same either way. But in a
// file whose first 64 KiB hold an LF, lines end in LF or CRLF and a lone CR
// is data: it is kept, so a cell that starts with a CR comes back as it was,
// not starting with an LF.
//
// A file detection gets wrong can be read with DecodeWith and the encoding
// named.
//
// A Ctrl-Z (0x1A) as the very last byte of input that is not UTF-16, the
// end-of-file mark of MS-DOS programs, is dropped (see CtrlZ); one anywhere
// else is text.
//
// The error is non-nil only for ErrWorkbook, *AmbiguousError, or when
// reading the first 64 KiB fails (it wraps the reader's error); the reader
// is then nil. Empty input decodes to empty UTF-8.
func Decode(r io.Reader) (io.Reader, Encoding, error) {
	return DecodeWith(r, Options{})
}

// DecodeWith is Decode with options: an encoding given by the user wins
// over detection.
func DecodeWith(r io.Reader, opt Options) (io.Reader, Encoding, error) {
	if opt.Encoding != "" {
		if _, err := ParseEncoding(string(opt.Encoding)); err != nil {
			return nil, "", err
		}
	}
	d, enc, err := decode(r, sniffLen, opt.Encoding)
	if err != nil {
		return nil, "", err // a plain nil, not a nil *Decoder in an io.Reader
	}
	return d, enc, nil
}

// decode is Decode with the prefix size as a parameter, so tests can reach the
// after-the-prefix paths with small inputs. bufio makes peek at least 16.
// force, when set, is the encoding to use.
func decode(r io.Reader, peek int, force Encoding) (*Decoder, Encoding, error) {
	br := bufio.NewReaderSize(r, peek)
	prefix, err := br.Peek(peek)
	atEOF := false
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		atEOF = true
	default:
		return nil, "", fmt.Errorf("sheet: reading input: %w", err)
	}
	if kind := SniffWorkbook(prefix); kind != "" {
		return nil, "", &WorkbookError{Kind: kind}
	}

	var (
		enc    Encoding
		bomLen int
		m      mode
		page   *codePage
	)
	if force != "" {
		enc, bomLen, m, page = forced(prefix, force)
	} else if enc, bomLen, m, page, err = sniff(prefix, atEOF); err != nil {
		return nil, "", err
	}
	if _, err := br.Discard(bomLen); err != nil {
		return nil, "", fmt.Errorf("sheet: reading input: %w", err) // unreachable: the BOM was peeked
	}
	st := &decodeState{enc: enc, line: 1, crOnly: loneCROnly(prefix), keepCR: bytes.IndexByte(prefix, '\n') >= 0}
	var first transform.Transformer
	switch m {
	case modeUTF16LE, modeUTF16BE:
		first = &utf16Decoder{st: st, bigEndian: m == modeUTF16BE}
	case modeMulti:
		first = newMBDecoder(st, page)
	default:
		bd := &byteDecoder{st: st, mode: m, initMode: m}
		if page != nil {
			bd.tab = page.tab
		}
		if m == modeASCII {
			bd.ahead = func() ([]byte, bool) {
				b, err := br.Peek(br.Size())
				return b, err != nil
			}
		}
		first = bd
	}
	return &Decoder{
		r:     transform.NewReader(br, lineEndings(first, st.keepCR)),
		state: st,
	}, enc, nil
}

// sniff decides the encoding from the peeked prefix. atEOF reports whether the
// prefix is the whole input, which matters for a rune cut at the boundary.
// page is the code page for modeTable and modeMulti.
func sniff(p []byte, atEOF bool) (enc Encoding, bomLen int, m mode, page *codePage, err error) {
	switch {
	case bytes.HasPrefix(p, bomUTF8):
		return UTF8BOM, len(bomUTF8), modeUTF8, nil, nil
	case bytes.HasPrefix(p, bomUTF16LE):
		return UTF16LE, len(bomUTF16LE), modeUTF16LE, nil, nil
	case bytes.HasPrefix(p, bomUTF16BE):
		return UTF16BE, len(bomUTF16BE), modeUTF16BE, nil, nil
	}
	if le, be := looksUTF16(p); le {
		return UTF16LE, 0, modeUTF16LE, nil, nil
	} else if be {
		return UTF16BE, 0, modeUTF16BE, nil, nil
	}
	if !hasHighByte(p) {
		return UTF8, 0, modeASCII, nil, nil
	}
	if !atEOF {
		p = trimPartialRune(p)
	}
	if utf8.Valid(p) {
		page, err := notUTF8(p, atEOF, loneCROnly(p))
		if err != nil {
			return "", 0, 0, nil, err
		}
		if page != nil {
			return page.enc, 0, pageMode(page), page, nil
		}
		return UTF8, 0, modeUTF8, nil, nil
	}
	page, err = weigh(p, atEOF, loneCROnly(p), 1)
	if err != nil {
		return "", 0, 0, nil, err
	}
	return page.enc, 0, pageMode(page), page, nil
}

func pageMode(c *codePage) mode {
	if c.mb != nil {
		return modeMulti
	}
	return modeTable
}

// forced is sniff for an encoding the user named (ParseEncoding's): only its
// own BOM is looked for.
func forced(p []byte, enc Encoding) (Encoding, int, mode, *codePage) {
	enc, _ = ParseEncoding(string(enc))
	switch enc {
	case UTF16LE:
		if bytes.HasPrefix(p, bomUTF16LE) {
			return enc, len(bomUTF16LE), modeUTF16LE, nil
		}
		return enc, 0, modeUTF16LE, nil
	case UTF16BE:
		if bytes.HasPrefix(p, bomUTF16BE) {
			return enc, len(bomUTF16BE), modeUTF16BE, nil
		}
		return enc, 0, modeUTF16BE, nil
	}
	if page := pageOf(enc); page != nil {
		return enc, 0, pageMode(page), page
	}
	if bytes.HasPrefix(p, bomUTF8) {
		return UTF8BOM, len(bomUTF8), modeUTF8, nil
	}
	return UTF8, 0, modeUTF8, nil
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of p, which the
// 64 KiB peek may have cut in half; invalid bytes are kept so Valid sees them.
func trimPartialRune(p []byte) []byte {
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax; i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				return p[:i]
			}
			break
		}
	}
	return p
}

// looksUTF16 recognises BOM-less UTF-16 of mostly-ASCII text by its NUL
// bytes: for every ASCII character one byte of the pair is zero. Real UTF-8 or
// Windows-1252 text has no NULs, and a NUL-padded file has them on both sides,
// so requiring "at least half the pairs on one side, almost none on the other"
// keeps false positives away.
func looksUTF16(p []byte) (le, be bool) {
	pairs := len(p) / 2
	if pairs < 2 {
		return false, false
	}
	var even, odd int
	for i := 0; i+1 < len(p); i += 2 {
		if p[i] == 0 {
			even++
		}
		if p[i+1] == 0 {
			odd++
		}
	}
	switch {
	case 2*odd >= pairs && 16*even <= odd:
		return true, false
	case 2*even >= pairs && 16*odd <= even:
		return false, true
	}
	return false, false
}

// lineEndings adds the lone-CR conversion to t, unless lone CRs are data
// (keepCR: the file's lines end in LF or CRLF).
func lineEndings(t transform.Transformer, keepCR bool) transform.Transformer {
	if keepCR {
		return t
	}
	return transform.Chain(t, crToLF{})
}
