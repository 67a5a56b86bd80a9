morgueSearch.load("d-6",{"zd":"Sf]0kd?.J"});
