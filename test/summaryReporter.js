// Prints the plain closing line CI reads ("N passed, N failed, N skipped") as the very last line.
// Jest's own summary reporter runs after custom reporters, so the line is written at process exit.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`;
    process.once('exit', () => process.stderr.write(line));
  }
}
module.exports = SummaryReporter;
