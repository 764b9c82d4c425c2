package sheet

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
)

var updateCorpus = flag.Bool("update-corpus", false, "write testdata/sheets/codepages/ from codePageCorpus")

// codePageCorpus is the code-page corpus: sheets as Excel's "CSV (Comma
// delimited)" writes them on a Windows machine of each country (its ANSI
// code page), "CSV (MS-DOS)" (OEM), and a Latin-9 export, with real names.
// The files in testdata/sheets/codepages/ are these texts encoded with
// x/text's encoders (go test ./sheet -run TestCodePageCorpus -update-corpus
// writes them); the test checks that the files still are exactly that.
var codePageCorpus = []struct {
	file string
	enc  Encoding
	text string
	// ambiguous: the file is one that no reading of bytes alone can
	// settle, and must be refused with these readings among the candidates.
	ambiguous []Encoding
}{
	{"polish-windows-1250.csv", Windows1250, "email,firstName,lastName\r\n" +
		"lukasz.wisniewski@firma.example,Łukasz,Wiśniewski\r\n" +
		"malgorzata.wojcik@firma.example,Małgorzata,Wójcik\r\n" +
		"grzegorz.b@firma.example,Grzegorz,Brzęczyszczykiewicz\r\n" +
		"zofia.dabrowska@firma.example,Zofia,Dąbrowska\r\n" +
		"pawel.zolkiewski@firma.example,Paweł,Żółkiewski\r\n" +
		"agnieszka.kaminska@firma.example,Agnieszka,Kamińska\r\n", nil},
	{"czech-windows-1250.csv", Windows1250, "email,firstName,lastName\r\n" +
		"jiri.dvorak@firma.example,Jiří,Dvořák\r\n" +
		"petra.cerna@firma.example,Petra,Černá\r\n" +
		"tomas.prochazka@firma.example,Tomáš,Procházka\r\n" +
		"katerina.novotna@firma.example,Kateřina,Novotná\r\n" +
		"vojtech.ruzicka@firma.example,Vojtěch,Růžička\r\n" +
		"zuzana.kovarova@firma.example,Zuzana,Kovářová\r\n", nil},
	{"hungarian-windows-1250.csv", Windows1250, "email,firstName,lastName\r\n" +
		"gabor.szoke@ceg.example,Gábor,Szőke\r\n" +
		"erzsebet.kovacs@ceg.example,Erzsébet,Kovács\r\n" +
		"zoltan.toth@ceg.example,Zoltán,Tóth\r\n" +
		"ildiko.nagy@ceg.example,Ildikó,Nagy\r\n" +
		"reka.fulop@ceg.example,Réka,Fülöp\r\n" +
		"odon.gyori@ceg.example,Ödön,Győri\r\n", nil},
	{"russian-windows-1251.csv", Windows1251, "email,firstName,lastName\r\n" +
		"ivan.petrov@firma.example,Иван,Петров\r\n" +
		"maria.smirnova@firma.example,Мария,Смирнова\r\n" +
		"sergey.kuznetsov@firma.example,Сергей,Кузнецов\r\n" +
		"olga.popova@firma.example,Ольга,Попова\r\n" +
		"dmitry.sokolov@firma.example,Дмитрий,Соколов\r\n" +
		"anna.lebedeva@firma.example,Анна,Лебедева\r\n", nil},
	{"greek-windows-1253.csv", Windows1253, "email,firstName,lastName\r\n" +
		"giorgos.papadopoulos@etaireia.example,Γιώργος,Παπαδόπουλος\r\n" +
		"maria.nikolaou@etaireia.example,Μαρία,Νικολάου\r\n" +
		"dimitris.georgiou@etaireia.example,Δημήτρης,Γεωργίου\r\n" +
		"eleni.konstantinou@etaireia.example,Ελένη,Κωνσταντίνου\r\n" +
		"nikos.oikonomou@etaireia.example,Νίκος,Οικονόμου\r\n", nil},
	{"turkish-windows-1254.csv", Windows1254, "email,firstName,lastName\r\n" +
		"mehmet.yilmaz@sirket.example,Mehmet,Yılmaz\r\n" +
		"ayse.kaya@sirket.example,Ayşe,Kaya\r\n" +
		"mustafa.celik@sirket.example,Mustafa,Çelik\r\n" +
		"fatma.sahin@sirket.example,Fatma,Şahin\r\n" +
		"emre.dogan@sirket.example,Emre,Doğan\r\n" +
		"zeynep.ozturk@sirket.example,Zeynep,Öztürk\r\n" +
		"ibrahim.aydin@sirket.example,İbrahim,Aydın\r\n", nil},
	{"lithuanian-windows-1257.csv", Windows1257, "email,firstName,lastName\r\n" +
		"jonas.kazlauskas@imone.example,Jonas,Kazlauskas\r\n" +
		"ruta.petrauskiene@imone.example,Rūta,Petrauskienė\r\n" +
		"mindaugas.zukauskas@imone.example,Mindaugas,Žukauskas\r\n" +
		"ausra.jankauskaite@imone.example,Aušra,Jankauskaitė\r\n" +
		"vytautas.simkus@imone.example,Vytautas,Šimkus\r\n" +
		"gintare.paulauskaite@imone.example,Gintarė,Paulauskaitė\r\n", nil},
	{"japanese-shift_jis.csv", ShiftJIS, "email,lastName,firstName,Kana\r\n" +
		"t.yamada@kaisha.example,山田,太郎,ﾔﾏﾀﾞ ﾀﾛｳ\r\n" +
		"h.sato@kaisha.example,佐藤,花子,ｻﾄｳ ﾊﾅｺ\r\n" +
		"i.suzuki@kaisha.example,鈴木,一郎,ｽｽﾞｷ ｲﾁﾛｳ\r\n" +
		"m.takahashi@kaisha.example,高橋,美咲,ﾀｶﾊｼ ﾐｻｷ\r\n" +
		"k.tanaka@kaisha.example,田中,健太,ﾀﾅｶ ｹﾝﾀ\r\n" +
		"y.watanabe@kaisha.example,渡辺,裕子,ﾜﾀﾅﾍﾞ ﾕｳｺ\r\n", nil},
	{"chinese-gbk.csv", GB18030, "email,lastName,firstName\r\n" +
		"wang.wei@gongsi.example,王,伟\r\n" +
		"li.na@gongsi.example,李,娜\r\n" +
		"zhang.min@gongsi.example,张,敏\r\n" +
		"liu.yang@gongsi.example,刘,洋\r\n" +
		"chen.jing@gongsi.example,陈,静\r\n" +
		"yang.lei@gongsi.example,杨,磊\r\n" +
		"zhao.li@gongsi.example,赵,丽\r\n" +
		"huang.qiang@gongsi.example,黄,强\r\n", nil},
	{"korean-cp949.csv", EUCKR, "email,lastName,firstName\r\n" +
		"minjun.kim@hoesa.example,김,민준\r\n" +
		"seoyeon.lee@hoesa.example,이,서연\r\n" +
		"jihun.park@hoesa.example,박,지훈\r\n" +
		"subin.choi@hoesa.example,최,수빈\r\n" +
		"yeeun.jung@hoesa.example,정,예은\r\n" +
		"doyun.kang@hoesa.example,강,도윤\r\n", nil},
	{"traditional-chinese-big5.csv", Big5, "email,lastName,firstName\r\n" +
		"chen.zhiming@gongsi.example,陳,志明\r\n" +
		"lin.shufen@gongsi.example,林,淑芬\r\n" +
		"huang.jianhong@gongsi.example,黃,建宏\r\n" +
		"zhang.yating@gongsi.example,張,雅婷\r\n" +
		"li.jiahao@gongsi.example,李,家豪\r\n" +
		"wang.meiling@gongsi.example,王,美玲\r\n", nil},
	{"french-msdos-cp850.csv", CP850, "email;firstName;lastName\r\n" +
		"helene.dubois@societe.example;Hélène;Dubois\r\n" +
		"francois.lefevre@societe.example;François;Lefèvre\r\n" +
		"jerome.bezier@societe.example;Jérôme;Bézier\r\n" +
		"cecile.frere@societe.example;Cécile;Frère\r\n" +
		"gaelle.lemaitre@societe.example;Gaëlle;Lemaître\r\n" +
		"benoit.cote@societe.example;Benoît;Côté\r\n", nil},
	{"french-latin9.csv", ISO885915, "email,firstName,lastName\n" +
		"sebastien.leboeuf@societe.example,Sébastien,Lebœuf\n" +
		"aurelie.coeur@societe.example,Aurélie,Cœurdacier\n" +
		"jyrki.salin@yritys.example,Jyrki,Šalin\n" +
		"helene.dubois@societe.example,Hélène,Dubois\n", nil},
	// Spanish: ñ is ń in Windows-1250, but Polish never writes ń before a
	// vowel.
	{"spanish-windows-1252.csv", Windows1252, "email,firstName,lastName\r\n" +
		"ana.pena@empresa.example,Ana,Peña\r\n" +
		"luis.munoz@empresa.example,Luis,Muñoz\r\n", nil},
	// One French name: Windows-1250 reads "Hélène" as "Hélčne", which has
	// only Czech letters; nothing in the file tells the two apart.
	{"ambiguous-french-or-czech.csv", Windows1252, "email,firstName,lastName\r\n" +
		"helene.perez@societe.example,Hélène,Pérez\r\n", []Encoding{Windows1252, Windows1250}},
}

// corpusEncoder returns x/text's encoding for enc.
func corpusEncoder(t *testing.T, enc Encoding) encoding.Encoding {
	t.Helper()
	c := pageOf(enc)
	if c == nil {
		t.Fatalf("no code page %q", enc)
	}
	if c.mb != nil {
		return c.mb
	}
	return c.cm
}

// TestCodePageCorpus is the corpus test: every file is read right or
// refused, never read wrong; the ambiguous one is refused with its
// candidates shown.
func TestCodePageCorpus(t *testing.T) {
	dir := filepath.Join("..", "testdata", "sheets", "codepages")
	for _, tc := range codePageCorpus {
		t.Run(tc.file, func(t *testing.T) {
			want, err := corpusEncoder(t, tc.enc).NewEncoder().Bytes([]byte(tc.text))
			if err != nil {
				t.Fatalf("%s cannot hold the text: %v", tc.enc, err)
			}
			path := filepath.Join(dir, tc.file)
			if *updateCorpus {
				if err := os.WriteFile(path, want, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			in, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(in) != string(want) {
				t.Fatalf("%s is not the corpus text in %s: run with -update-corpus", path, tc.enc)
			}
			got, enc, dec, err := decodeAll(t, strings.NewReader(string(in)))
			var amb *AmbiguousError
			if tc.ambiguous != nil {
				if !errors.As(err, &amb) {
					t.Fatalf("read as %s (%v), want refused as ambiguous", enc, err)
				}
				for _, e := range tc.ambiguous {
					if !hasReading(amb, e) {
						t.Errorf("candidates %v lack %s", amb.Readings, e)
					}
				}
				t.Logf("refused as it should be:\n%v", err)
				return
			}
			if errors.As(err, &amb) {
				t.Fatalf("refused, want read as %s:\n%v", tc.enc, err)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.text || dec.Replaced() != 0 {
				t.Errorf("read as %s (%q, %d replaced), want %s (%q)", enc, got, dec.Replaced(), tc.enc, tc.text)
			}
		})
	}
}

func hasReading(e *AmbiguousError, enc Encoding) bool {
	for _, r := range e.Readings {
		if r.Encoding == enc {
			return true
		}
	}
	return false
}
