// EquivariantLayer: under construction
