// One scoring factor's contribution as a horizontal bar: positive to the right in the accent
// colour, negative (a factor that lowered the score) to the left in a muted one, the value beside.
#pragma once

#include <QWidget>

namespace socwb {

class FactorBar : public QWidget {
    Q_OBJECT
  public:
    // 'scale' is the contribution that fills the whole bar (the largest of the alert's factors).
    FactorBar(double contribution, double scale, QWidget* parent = nullptr);
    double contribution() const { return contribution_; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

  protected:
    void paintEvent(QPaintEvent* event) override;

  private:
    double contribution_;
    double scale_;
};

} // namespace socwb
