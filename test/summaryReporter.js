// Prints the plain closing line CI reads ("N passed, N failed, N skipped") after jest's own summary
// (both on stderr, so the order holds when the streams are merged).
class SummaryReporter {
  onRunComplete(_contexts, results) {
    process.stderr.write(
      `\njest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
