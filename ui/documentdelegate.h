#pragma once

#include <QStyledItemDelegate>

class QAbstractItemView;

namespace overtext::ui {

/// Draws a document row: icon, the file name in bold on the first line, the status (pages, "Opening…" or the
/// error, wrapped, in red for errors) below it in a smaller font; once translating, a progress bar and a line with
/// segments done/total, failures, tokens and the ETA (or the error).
class DocumentDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit DocumentDelegate(QAbstractItemView *view);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    struct Layout {
        QRect icon, name, status, progress, batch;
    };
    Layout layout(const QStyleOptionViewItem &option, const QModelIndex &index, int width) const;
    QFont nameFont(const QStyleOptionViewItem &option) const;
    QFont statusFont(const QStyleOptionViewItem &option) const;

    QAbstractItemView *m_view;
};

} // namespace overtext::ui
