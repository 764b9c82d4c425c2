package cli

import (
	"errors"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/wholesale-batch/wholesale-batch/sheet"
)

// Flag groups, in the order a command's help shows the ones it has: the
// group of the required flags comes first.
const (
	groupIO        = "Input and output"
	groupSelect    = "Row selection"
	groupProvision = "Provisioning"
	groupRows      = "Row values"
	groupAPI       = "API and rate"
	groupReports   = "Reports and logs"
	groupResume    = "Resume"
)

// Annotations a flag carries for the help screen (see writeHelp).
const (
	annGroup       = "wholesale-batch/group"       // its group's title
	annPlaceholder = "wholesale-batch/placeholder" // --input FILE: "FILE"
	annDefault     = "wholesale-batch/default"     // the default as words, when the value does not say it ("auto")
)

// shownRequired is the annDefault of a flag every run needs; words may
// follow ("required unless --plan").
const shownRequired = "required"

// flagDefs defines flags into fs, each tagged with the group being
// defined and its placeholder, so help can show them grouped and as
// "--timeout DURATION" rather than "--timeout duration".
type flagDefs struct {
	fs    *pflag.FlagSet
	group string
}

func (d *flagDefs) in(group string) { d.group = group }

func (d *flagDefs) tag(name, placeholder string) *pflag.Flag {
	f := d.fs.Lookup(name)
	f.Annotations = map[string][]string{annGroup: {d.group}}
	if placeholder != "" {
		f.Annotations[annPlaceholder] = []string{placeholder}
	}
	return f
}

func (d *flagDefs) str(p *string, name, short, def, placeholder, usage string) *pflag.Flag {
	d.fs.StringVarP(p, name, short, def, usage)
	return d.tag(name, placeholder)
}

func (d *flagDefs) strings(p *[]string, name, placeholder, usage string) *pflag.Flag {
	d.fs.StringArrayVar(p, name, nil, usage)
	return d.tag(name, placeholder)
}

func (d *flagDefs) boolean(p *bool, name, short, usage string) *pflag.Flag {
	d.fs.BoolVarP(p, name, short, false, usage)
	return d.tag(name, "")
}

func (d *flagDefs) integer(p *int, name string, def int, usage string) *pflag.Flag {
	d.fs.IntVar(p, name, def, usage)
	return d.tag(name, "N")
}

func (d *flagDefs) int64(p *int64, name string, def int64, usage string) *pflag.Flag {
	d.fs.Int64Var(p, name, def, usage)
	return d.tag(name, "N")
}

func (d *flagDefs) float(p *float64, name string, def float64, placeholder, usage string) *pflag.Flag {
	d.fs.Float64Var(p, name, def, usage)
	return d.tag(name, placeholder)
}

func (d *flagDefs) duration(p *time.Duration, name string, def time.Duration, usage string) *pflag.Flag {
	d.fs.DurationVar(p, name, def, usage)
	return d.tag(name, "DURATION")
}

func (d *flagDefs) value(v pflag.Value, name, placeholder, usage string) *pflag.Flag {
	d.fs.Var(v, name, usage)
	return d.tag(name, placeholder)
}

// shows sets the words help gives as f's default.
func shows(f *pflag.Flag, words string) { f.Annotations[annDefault] = []string{words} }

// delimiterValue is --delimiter: it keeps what was given, for the
// manifest, and sets the rune the reader uses.
type delimiterValue struct {
	given string
	r     *rune
}

func (v *delimiterValue) Set(s string) error {
	d, err := parseDelimiter(s)
	if err != nil {
		return err
	}
	v.given, *v.r = s, d
	return nil
}

func (v *delimiterValue) String() string { return v.given }
func (v *delimiterValue) Type() string   { return "delimiter" }

// mapValue is the repeatable --map "Header=column": it keeps the given
// values, for the manifest, and adds each to the config's column maps.
type mapValue struct {
	given []string
	maps  *[]columnMap
}

func (v *mapValue) Set(s string) error {
	if err := (mapFlag{v.maps}).Set(s); err != nil {
		return err
	}
	v.given = append(v.given, s)
	return nil
}

func (v *mapValue) String() string { return strings.Join(v.given, ", ") }

// Type is pflag's name for a repeatable string flag: shell completion
// then offers it again after one use.
func (v *mapValue) Type() string { return "stringArray" }

// GetSlice returns the values given, in order (pflag.SliceValue).
func (v *mapValue) GetSlice() []string { return append([]string{}, v.given...) }

// encodingValue is --encoding: a name sheet.ParseEncoding knows.
type encodingValue struct{ e *sheet.Encoding }

func (v *encodingValue) Set(s string) error {
	e, err := sheet.ParseEncoding(s)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "sheet: "))
	}
	*v.e = e
	return nil
}

func (v *encodingValue) String() string { return string(*v.e) }
func (v *encodingValue) Type() string   { return "encoding" }
