package updater

// parser selects how marked scalars are found; tests compare the two.
type parser uint8

const (
	// parseAuto tries the line lexer first and falls back to the full parse.
	parseAuto parser = iota
	// parseFull always parses the file with the YAML parser.
	parseFull
)

// updateBytes computes the update of one file's content. It never changes data.
func updateBytes(data []byte, images Images, p parser) fileUpdate {
	if p == parseAuto {
		if targets, ok := lexTargets(data); ok {
			return resolve(data, targets, images)
		}
	}
	targets, problems, err := parseTargets(data)
	if err != nil {
		return fileUpdate{problems: []Problem{{Kind: ProblemParse, Message: "not valid YAML, left untouched: " + err.Error()}}}
	}
	u := resolve(data, targets, images)
	u.problems = append(problems, u.problems...)
	return u
}
