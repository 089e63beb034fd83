// A deterministic "new batch" of the UCI red wine data, for the report's picture and its Chromium test.

/**
 * The "new batch": the wine data after changes a plant could see with a new grape harvest: more alcohol,
 * volatile acidity and sulphates, more residual sugar and free SO2, less citric acid, and every third
 * grade-5 wine graded 6. Deterministic, so the picture only changes when the report does.
 */
export function shiftedWineCopy(csv) {
  const [header, ...lines] = csv.trimEnd().split(/\r?\n/);
  const names = header.split(",");
  const at = (name) => {
    const index = names.indexOf(name);
    if (index < 0) throw new Error(`shiftedWineCopy: the wine data has no column "${name}" (header: ${header})`);
    return index;
  };
  const shifts = new Map([
    [at("alcohol"), (value) => value + 0.6],
    [at("volatile acidity"), (value) => value * 1.3],
    [at("sulphates"), (value) => value + 0.08],
    [at("residual sugar"), (value) => value + 0.6],
    [at("free sulfur dioxide"), (value) => value + 4],
    [at("citric acid"), (value) => value * 0.8],
  ]);
  let gradeFive = 0;
  const shifted = lines.map((line) =>
    line
      .split(",")
      .map((cell, column) => {
        if (shifts.has(column)) return String(Number(shifts.get(column)(Number(cell)).toPrecision(6)));
        if (column === at("quality") && cell === "5" && ++gradeFive % 3 === 0) return "6";
        return cell;
      })
      .join(","),
  );
  return `${[header, ...shifted].join("\n")}\n`;
}
