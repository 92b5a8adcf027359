#include "documentdelegate.h"

#include "documentlistmodel.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QPainter>

namespace overtext::ui {

namespace {
constexpr int Pad = 6;
constexpr int IconSize = 24;
} // namespace

DocumentDelegate::DocumentDelegate(QAbstractItemView *view)
    : QStyledItemDelegate(view)
    , m_view(view) {}

QFont DocumentDelegate::nameFont(const QStyleOptionViewItem &option) const {
    QFont f = option.font;
    f.setBold(true);
    return f;
}

QFont DocumentDelegate::statusFont(const QStyleOptionViewItem &option) const {
    QFont f = option.font;
    f.setPointSizeF(f.pointSizeF() * 0.9);
    return f;
}

DocumentDelegate::Layout DocumentDelegate::layout(const QStyleOptionViewItem &option, const QModelIndex &index,
                                                  int width) const {
    Layout l;
    const int textLeft = Pad + IconSize + Pad;
    const int textWidth = std::max(40, width - textLeft - Pad);
    const QFontMetrics nameMetrics(nameFont(option));
    const QFontMetrics statusMetrics(statusFont(option));
    const QString status = index.data(DocumentListModel::StatusRole).toString();
    const QRect statusBounds =
        statusMetrics.boundingRect(QRect(0, 0, textWidth, 10000), Qt::TextWordWrap | Qt::AlignLeft, status);
    l.name = QRect(textLeft, Pad, textWidth, nameMetrics.height());
    l.status = QRect(textLeft, l.name.bottom() + 2, textWidth, statusBounds.height());
    int bottom = l.status.bottom();
    if (index.data(DocumentListModel::BatchStateRole).toInt() >= 0) {
        l.progress = QRect(textLeft, bottom + 4, textWidth, 6);
        const QString batch = index.data(DocumentListModel::BatchTextRole).toString();
        const QRect batchBounds =
            statusMetrics.boundingRect(QRect(0, 0, textWidth, 10000), Qt::TextWordWrap | Qt::AlignLeft, batch);
        l.batch = QRect(textLeft, l.progress.bottom() + 3, textWidth, batchBounds.height());
        bottom = l.batch.bottom();
    }
    const int height = std::max(bottom + Pad, IconSize + 2 * Pad);
    l.icon = QRect(Pad, (height - IconSize) / 2, IconSize, IconSize);
    return l;
}

QSize DocumentDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const {
    const int width = m_view->viewport()->width();
    const Layout l = layout(option, index, width);
    const int bottom = l.batch.isNull() ? l.status.bottom() : l.batch.bottom();
    return {width, std::max(bottom, l.icon.bottom()) + Pad};
}

void DocumentDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    opt.text.clear();
    opt.icon = QIcon();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, opt.widget);

    const Layout l = layout(option, index, option.rect.width());
    const QPoint origin = option.rect.topLeft();
    const bool selected = option.state & QStyle::State_Selected;
    const QPalette::ColorGroup group = option.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
    const QColor text = option.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text);

    painter->save();
    const QIcon icon = index.data(Qt::DecorationRole).value<QIcon>();
    icon.paint(painter, l.icon.translated(origin));

    painter->setPen(text);
    painter->setFont(nameFont(option));
    const QString name = QFontMetrics(nameFont(option))
                             .elidedText(index.data(Qt::DisplayRole).toString().section(QLatin1Char('\n'), 0, 0),
                                         Qt::ElideMiddle, l.name.width());
    painter->drawText(l.name.translated(origin), Qt::AlignLeft | Qt::AlignVCenter, name);

    const bool failed = index.data(DocumentListModel::StateRole).toInt() == int(DocumentEntry::State::Failed);
    QColor statusColor = text;
    if (failed && !selected)
        statusColor = QColor(0xb3, 0x26, 0x1e);
    else if (!selected)
        statusColor.setAlphaF(0.7);
    painter->setPen(statusColor);
    painter->setFont(statusFont(option));
    painter->drawText(l.status.translated(origin), Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop,
                      index.data(DocumentListModel::StatusRole).toString());

    if (!l.progress.isNull()) {
        const double progress = index.data(DocumentListModel::ProgressRole).toDouble();
        const QRect bar = l.progress.translated(origin);
        QColor trough = text;
        trough.setAlphaF(0.15);
        painter->setPen(Qt::NoPen);
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setBrush(trough);
        painter->drawRoundedRect(bar, 3, 3);
        if (progress > 0) {
            const int state = index.data(DocumentListModel::BatchStateRole).toInt();
            const bool bad = state == int(BatchDocStatus::State::Failed) ||
                             index.data(DocumentListModel::SegmentsFailedRole).toInt() > 0;
            painter->setBrush(bad ? QColor(0xd0, 0x7a, 0x1e)
                                  : option.palette.color(QPalette::Highlight).lighter(selected ? 150 : 100));
            painter->drawRoundedRect(
                QRect(bar.topLeft(), QSize(int(bar.width() * std::min(1.0, progress)), bar.height())), 3, 3);
        }
        const bool batchFailed =
            index.data(DocumentListModel::BatchStateRole).toInt() == int(BatchDocStatus::State::Failed) ||
            index.data(DocumentListModel::BatchTextRole).toString().contains(QLatin1Char('\n'));
        painter->setPen(batchFailed && !selected ? QColor(0xb3, 0x26, 0x1e) : statusColor);
        painter->drawText(l.batch.translated(origin), Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop,
                          index.data(DocumentListModel::BatchTextRole).toString());
    }
    painter->restore();
}

} // namespace overtext::ui
