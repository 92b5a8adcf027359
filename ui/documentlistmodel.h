#pragma once

#include "engine/batchrun.h"

#include <QAbstractListModel>
#include <QList>
#include <QSizeF>
#include <QString>

namespace overtext::ui {

/// One PDF the user added, as the list shows it.
struct DocumentEntry {
    enum class State { Opening, Ready, Failed };
    QString path;
    State state = State::Opening;
    int pageCount = 0;
    QList<QSizeF> pageSizes; ///< points, displayed orientation, page 1 first
    QString title;
    bool serif = false;   ///< the original's body face is a serif (PdfDocument::prefersSerif()): the overlay follows
    QString error;        ///< what went wrong and what to do, for Failed
    bool inBatch = false; ///< started at least once: batch holds its translation status
    BatchDocStatus batch;
};

/// The batch queue: the documents the user added, one row each: name, pages and status or error, and once started
/// the translation progress fed from BatchRun's signals (segments done/total, failures, tokens, ETA).
class DocumentListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        PathRole = Qt::UserRole + 1,
        StateRole,          ///< DocumentEntry::State as int
        PageCountRole,      ///< int
        StatusRole,         ///< the second line: pages, "Opening…" or the error
        BatchStateRole,     ///< BatchDocStatus::State as int; -1 while not started
        ProgressRole,       ///< double 0..1 (settled segments / total); -1 while unknown
        BatchTextRole,      ///< the third line: state, segments done/total, failures, tokens, ETA or the error
        SegmentsDoneRole,   ///< int
        SegmentsTotalRole,  ///< int
        SegmentsFailedRole, ///< int
    };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Adds a document in the Opening state; returns its row, or -1 when the path is already listed.
    int addDocument(const QString &path);
    /// The row of a path, -1 when it is not listed.
    int rowOf(const QString &path) const;
    const DocumentEntry &entry(int row) const { return m_entries.at(row); }
    const QList<DocumentEntry> &entries() const { return m_entries; }
    bool isBusy() const;

    void setReady(const QString &path, const QList<QSizeF> &pageSizes, const QString &title, bool serif = false);
    void setFailed(const QString &path, const QString &error);
    /// The document's translation status from the batch run.
    void setBatchStatus(const QString &path, const BatchDocStatus &status);
    void removeDocument(const QString &path);

private:
    QString statusText(const DocumentEntry &e) const;
    QString batchText(const DocumentEntry &e) const;
    QList<DocumentEntry> m_entries;
};

} // namespace overtext::ui
