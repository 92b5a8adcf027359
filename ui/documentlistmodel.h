#pragma once

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
    QString error; ///< what went wrong and what to do, for Failed
};

/// The documents the user added: name, pages and status or error, one row each. Fed by the main window now, by the
/// batch queue later.
class DocumentListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        PathRole = Qt::UserRole + 1,
        StateRole,     ///< DocumentEntry::State as int
        PageCountRole, ///< int
        StatusRole,    ///< the second line: pages, "Opening…" or the error
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

    void setReady(const QString &path, const QList<QSizeF> &pageSizes, const QString &title);
    void setFailed(const QString &path, const QString &error);

private:
    QString statusText(const DocumentEntry &e) const;
    QList<DocumentEntry> m_entries;
};

} // namespace overtext::ui
