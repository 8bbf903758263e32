package org.sparsevd.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SchedulesTest {
  @Test
  void learningRateSchedules() {
    Schedules.Schedule c = Schedules.learningRate("constant", 1e-3, 200);
    assertEquals(1e-3, c.at(0));
    assertEquals(1e-3, c.at(199));
    // The authors' LeNet-300-100 recipe: 1e-3 until epoch 100, then linearly to 0 at 200.
    Schedules.Schedule lin = Schedules.learningRate("linear(100)", 1e-3, 200);
    assertEquals(1e-3, lin.at(50), 1e-15);
    assertEquals(1e-3, lin.at(100), 1e-15);
    assertEquals(0.5e-3, lin.at(150), 1e-15);
    assertEquals(1e-5, lin.at(199), 1e-15);
    // LeNet-5: 1e-3 (200 - epoch) / 200.
    assertEquals(1e-3 * 150 / 200, Schedules.learningRate("linear(0)", 1e-3, 200).at(50), 1e-15);
    // A share of the epochs: the same schedule at 200 epochs, and valid for one epoch.
    Schedules.Schedule half = Schedules.learningRate("linear(50%)", 1e-3, 200);
    for (int e = 0; e < 200; e += 7) {
      assertEquals(lin.at(e), half.at(e), "epoch " + e);
    }
    assertEquals(1e-3, Schedules.learningRate("linear(50%)", 1e-3, 1).at(0));
    assertEquals(1e-3 * 3 / 8, Schedules.learningRate("linear(20 %)", 1e-3, 10).at(7), 1e-15);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Schedules.learningRate("linear(100)", 1e-3, 1));
    assertEquals("learning rate schedule 'linear(100)': decay start must be in [0, 1) for 1 "
        + "epochs (or a percentage of the epochs, e.g. linear(50%))", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Schedules.learningRate("linear(100%)", 1e-3, 10));
    Schedules.Schedule step = Schedules.learningRate("step(30, 0.5)", 1.0, 100);
    assertEquals(1.0, step.at(29));
    assertEquals(0.5, step.at(30));
    assertEquals(0.125, step.at(95));
  }

  @Test
  void klWeightSchedules() {
    // The authors' recipe: 0 for epochs 0-4, then (epoch - 5) / 15, 1 from epoch 20.
    Schedules.Schedule lin = Schedules.klWeight("linear(5, 15)");
    assertEquals(0, lin.at(0));
    assertEquals(0, lin.at(5));
    assertEquals(1.0 / 3, lin.at(10), 1e-15);
    assertEquals(1, lin.at(20));
    assertEquals(1, lin.at(150));
    // The teaching notebook: from 0.02, +0.02 per epoch up to 1.
    Schedules.Schedule inc = Schedules.klWeight("increment(0.02, 0.02)");
    assertEquals(0.02, inc.at(0), 1e-15);
    assertEquals(0.5, inc.at(24), 1e-12);
    assertEquals(1, inc.at(49), 1e-12);
    assertEquals(1, inc.at(80));
    assertEquals(0.3, Schedules.klWeight("constant(0.3)").at(7));
  }

  @Test
  void badSpecsNameThemselves() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Schedules.learningRate("linear(300)", 1e-3, 200));
    assertTrue(e.getMessage().contains("linear(300)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Schedules.klWeight("linear(5, x)"));
    assertTrue(e.getMessage().contains("'x' is not a number"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Schedules.klWeight("cosine"));
    assertThrows(IllegalArgumentException.class, () -> Schedules.learningRate("step(0, 2)", 1, 9));
  }
}
