#include <QApplication>
#include <QMainWindow>

int main(int argc, char **argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("overtext"));
    QApplication::setOrganizationName(QStringLiteral("overtext"));
    QMainWindow window;
    window.setWindowTitle(QStringLiteral("Overtext"));
    window.show();
    return app.exec();
}
