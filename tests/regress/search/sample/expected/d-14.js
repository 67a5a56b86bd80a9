morgueSearch.load("d-14","ix5NqVRKqbEA",2);
