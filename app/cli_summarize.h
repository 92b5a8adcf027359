#pragma once

#include "pdf/segment.h"
#include "summary/summarizer.h"
#include "util/result.h"

#include <QCoroTask>
#include <QString>

namespace overtext {
class Provider;
}

// The one summary path of the command line, shared by `summarize` and `translate --summary/--summary-cover`.

/// NAME.LANG.summary.md for \a input, in \a folder (empty: beside the input).
QString summaryOutputPath(const QString &input, const QString &lang, const QString &folder = {});

/// Summarises a document with \a provider (an LLM writes it; any other service translates the extractive summary),
/// printing the expected cost to stderr before a multi-request run, through the user's summary cache unless
/// \a useCache is false. The provider must outlive the task.
QCoro::Task<overtext::Result<overtext::Summary>> summarizeForCli(QList<overtext::Segment> segments,
                                                                 overtext::SummaryOptions options,
                                                                 overtext::Provider *provider, bool useCache);

/// Writes the summary as Markdown to \a path atomically (nothing is left behind on failure); refuses \a input.
overtext::Result<void> writeSummaryMarkdown(const overtext::Summary &summary, const QString &path,
                                            const QString &input);
