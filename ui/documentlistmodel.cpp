#include "documentlistmodel.h"

#include <QApplication>
#include <QFileInfo>
#include <QIcon>
#include <QStyle>

namespace overtext::ui {

int DocumentListModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_entries.size());
}

QString DocumentListModel::statusText(const DocumentEntry &e) const {
    switch (e.state) {
    case DocumentEntry::State::Opening:
        return tr("Opening…");
    case DocumentEntry::State::Ready:
        // Without a loaded translation %n plurals stay "page(s)": spell out the English forms.
        return e.pageCount == 1 ? tr("1 page") : tr("%n pages", nullptr, e.pageCount);
    case DocumentEntry::State::Failed:
        return e.error;
    }
    return {};
}

QVariant DocumentListModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const DocumentEntry &e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return QString(QFileInfo(e.path).fileName() + QLatin1Char('\n') + statusText(e));
    case Qt::ToolTipRole:
        return QString((e.title.isEmpty() ? QString() : e.title + QLatin1Char('\n')) + e.path + QLatin1Char('\n') +
                       statusText(e));
    case Qt::AccessibleTextRole:
        return QString(QFileInfo(e.path).fileName() + QStringLiteral(", ") + statusText(e));
    case Qt::DecorationRole: {
        const QStyle *style = QApplication::style();
        switch (e.state) {
        case DocumentEntry::State::Opening:
            return style->standardIcon(QStyle::SP_BrowserReload);
        case DocumentEntry::State::Ready:
            return style->standardIcon(QStyle::SP_FileIcon);
        case DocumentEntry::State::Failed:
            return style->standardIcon(QStyle::SP_MessageBoxWarning);
        }
        return {};
    }
    case PathRole:
        return e.path;
    case StateRole:
        return int(e.state);
    case PageCountRole:
        return e.pageCount;
    case StatusRole:
        return statusText(e);
    default:
        return {};
    }
}

QHash<int, QByteArray> DocumentListModel::roleNames() const {
    auto names = QAbstractListModel::roleNames();
    names.insert(PathRole, "path");
    names.insert(StateRole, "state");
    names.insert(PageCountRole, "pageCount");
    names.insert(StatusRole, "status");
    return names;
}

int DocumentListModel::rowOf(const QString &path) const {
    for (int i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).path == path)
            return i;
    }
    return -1;
}

int DocumentListModel::addDocument(const QString &path) {
    if (rowOf(path) >= 0)
        return -1;
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.append(DocumentEntry{path, DocumentEntry::State::Opening, 0, {}, {}, {}});
    endInsertRows();
    return row;
}

bool DocumentListModel::isBusy() const {
    return std::any_of(m_entries.cbegin(), m_entries.cend(),
                       [](const DocumentEntry &e) { return e.state == DocumentEntry::State::Opening; });
}

void DocumentListModel::setReady(const QString &path, const QList<QSizeF> &pageSizes, const QString &title) {
    const int row = rowOf(path);
    if (row < 0)
        return;
    DocumentEntry &e = m_entries[row];
    e.state = DocumentEntry::State::Ready;
    e.pageSizes = pageSizes;
    e.pageCount = int(pageSizes.size());
    e.title = title;
    e.error.clear();
    Q_EMIT dataChanged(index(row), index(row));
}

void DocumentListModel::setFailed(const QString &path, const QString &error) {
    const int row = rowOf(path);
    if (row < 0)
        return;
    DocumentEntry &e = m_entries[row];
    e.state = DocumentEntry::State::Failed;
    e.error = error;
    Q_EMIT dataChanged(index(row), index(row));
}

} // namespace overtext::ui
