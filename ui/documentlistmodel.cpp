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

QString DocumentListModel::batchText(const DocumentEntry &e) const {
    if (!e.inBatch)
        return {};
    const DocumentProgress &p = e.batch.progress;
    QString state;
    switch (e.batch.state) {
    case BatchDocStatus::State::Queued:
        state = tr("Queued");
        break;
    case BatchDocStatus::State::Running:
        state = tr("Translating");
        break;
    case BatchDocStatus::State::Done:
        state = tr("Done");
        break;
    case BatchDocStatus::State::Failed:
        state = tr("Failed");
        break;
    case BatchDocStatus::State::Cancelled:
        state = tr("Cancelled");
        break;
    }
    QStringList parts{state};
    if (p.total > 0)
        parts.append(tr("%1/%2 segments").arg(p.done).arg(p.total));
    if (p.failed > 0)
        parts.append(tr("%1 failed").arg(p.failed));
    const qint64 tokens = p.inputTokens + p.outputTokens;
    if (tokens > 0)
        parts.append(tokens >= 10000 ? tr("%1k tokens").arg(tokens / 1000) : tr("%1 tokens").arg(tokens));
    if (e.batch.state == BatchDocStatus::State::Running && p.etaSeconds >= 0)
        parts.append(p.etaSeconds < 60 ? tr("ETA %1 s").arg(qRound(p.etaSeconds))
                                       : tr("ETA %1 min").arg(qRound(p.etaSeconds / 60)));
    QString text = parts.join(QStringLiteral(" · "));
    if (!e.batch.error.isEmpty())
        text += QLatin1Char('\n') + e.batch.error;
    return text;
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
        return QString(QFileInfo(e.path).fileName() + QStringLiteral(", ") + statusText(e) +
                       (e.inBatch ? QStringLiteral(", ") + batchText(e) : QString()));
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
    case BatchStateRole:
        return e.inBatch ? int(e.batch.state) : -1;
    case ProgressRole: {
        const DocumentProgress &p = e.batch.progress;
        if (!e.inBatch || p.total <= 0)
            return e.inBatch && e.batch.state == BatchDocStatus::State::Done ? 1.0 : -1.0;
        return double(p.done + p.failed) / p.total;
    }
    case BatchTextRole:
        return batchText(e);
    case SegmentsDoneRole:
        return e.batch.progress.done;
    case SegmentsTotalRole:
        return e.batch.progress.total;
    case SegmentsFailedRole:
        return e.batch.progress.failed;
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
    DocumentEntry entry;
    entry.path = path;
    m_entries.append(entry);
    endInsertRows();
    return row;
}

bool DocumentListModel::isBusy() const {
    return std::any_of(m_entries.cbegin(), m_entries.cend(),
                       [](const DocumentEntry &e) { return e.state == DocumentEntry::State::Opening; });
}

void DocumentListModel::setReady(const QString &path, const QList<QSizeF> &pageSizes, const QString &title,
                                 bool serif) {
    const int row = rowOf(path);
    if (row < 0)
        return;
    DocumentEntry &e = m_entries[row];
    e.state = DocumentEntry::State::Ready;
    e.pageSizes = pageSizes;
    e.pageCount = int(pageSizes.size());
    e.title = title;
    e.serif = serif;
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

void DocumentListModel::setBatchStatus(const QString &path, const BatchDocStatus &status) {
    const int row = rowOf(path);
    if (row < 0)
        return;
    DocumentEntry &e = m_entries[row];
    e.inBatch = true;
    e.batch = status;
    Q_EMIT dataChanged(index(row), index(row));
}

void DocumentListModel::removeDocument(const QString &path) {
    const int row = rowOf(path);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_entries.removeAt(row);
    endRemoveRows();
}

} // namespace overtext::ui
